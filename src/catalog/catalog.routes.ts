import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { Scope } from '../platform/scope.ts';
import { createCharge, createProduct, createRatePlan } from './catalog.service.ts';
import {
  CreateProduct,
  CreateProductRatePlan,
  CreateProductRatePlanCharge,
  CrudCreated,
} from './catalog.schemas.ts';

const scopeOf = (r: FastifyRequest): Scope => ({
  tenantId: r.principal!.tenantId,
  entityId: r.principal!.entityId,
});

/** Catalog through the CRUD object API (C4): 200 `{"Success":true,"Id"}`. */
export const catalogRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/v1/object/product',
    {
      schema: {
        operationId: 'Object_POSTProduct',
        summary: 'CRUD: Create a product',
        tags: ['Catalog'],
        body: CreateProduct,
        response: { 200: CrudCreated },
      },
    },
    async (req) => {
      const b = req.body;
      const id = await createProduct(deps, scopeOf(req), {
        name: b.Name,
        sku: b.SKU,
        description: b.Description,
        category: b.Category,
        effectiveStartDate: b.EffectiveStartDate,
        effectiveEndDate: b.EffectiveEndDate,
      });
      return { Success: true, Id: id };
    },
  );
  r.post(
    '/v1/object/product-rate-plan',
    {
      schema: {
        operationId: 'Object_POSTProductRatePlan',
        summary: 'CRUD: Create a product rate plan',
        tags: ['Catalog'],
        body: CreateProductRatePlan,
        response: { 200: CrudCreated },
      },
    },
    async (req) => {
      const id = await createRatePlan(deps, scopeOf(req), {
        name: req.body.Name,
        productId: req.body.ProductId,
        description: req.body.Description,
      });
      return { Success: true, Id: id };
    },
  );
  r.post(
    '/v1/object/product-rate-plan-charge',
    {
      schema: {
        operationId: 'Object_POSTProductRatePlanCharge',
        summary: 'CRUD: Create a product rate plan charge',
        tags: ['Catalog'],
        body: CreateProductRatePlanCharge,
        response: { 200: CrudCreated },
      },
    },
    async (req) => {
      const b = req.body;
      const id = await createCharge(deps, scopeOf(req), {
        name: b.Name,
        productRatePlanId: b.ProductRatePlanId,
        chargeType: b.ChargeType,
        chargeModel: b.ChargeModel,
        billingPeriod: b.BillingPeriod,
        billCycleType: b.BillCycleType,
        billCycleDay: b.BillCycleDay,
        triggerEvent: b.TriggerEvent,
        billingTiming: b.BillingTiming,
        uom: b.UOM,
        defaultQuantity: b.DefaultQuantity,
        tiers: b.ProductRatePlanChargeTierData.ProductRatePlanChargeTier.map((t) => ({
          currency: t.Currency,
          price: t.Price,
        })),
      });
      return { Success: true, Id: id };
    },
  );
};
