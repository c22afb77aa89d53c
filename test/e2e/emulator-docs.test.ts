/**
 * Runs every ```sh example of docs/emulator.md, in order, against one real `folio serve` with the
 * embedded defaults, so the documentation cannot drift from the product. Each block runs as
 * `bash -euo pipefail` with FOLIO, ADMIN, CLIENT_ID, CLIENT_SECRET and TENANT set; a block passes
 * when it exits 0 (blocks make their own checks, e.g. with grep).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/tenants/tenants.service.ts';
import { startServer, type RunningServer } from '../server.ts';

const DOC = resolve(import.meta.dirname, '../../docs/emulator.md');

/** The ```sh blocks of a Markdown text, each with the heading it sits under. */
export const shellBlocks = (markdown: string): { heading: string; script: string }[] => {
  const blocks: { heading: string; script: string }[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (line.trim() !== '```sh') continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
    blocks.push({ heading, script: body.join('\n') });
  }
  return blocks;
};

describe('docs/emulator.md examples', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  const blocks = shellBlocks(readFileSync(DOC, 'utf8'));
  it('has examples to run', () => {
    assert.ok(blocks.length > 0, 'docs/emulator.md has no ```sh block');
  });
  blocks.forEach(({ heading, script }, n) => {
    it(`example ${String(n + 1)} (${heading})`, () => {
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
        env: {
          PATH: process.env.PATH ?? '',
          FOLIO: server.url,
          ADMIN: 'demo-admin',
          CLIENT_ID: 'demo-client',
          CLIENT_SECRET: 'demo-secret',
          TENANT: DEMO_TENANT_ID,
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(
        run.status,
        0,
        `example failed (exit ${String(run.status)}):\n${script}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
      );
    });
  });
});
