import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRenderPool } from './pool.ts';
import { AppError } from '../errors.ts';
import type { PoolTestInput } from '../../../test/fixtures/pool-renderer.ts';

const module = new URL('../../../test/fixtures/pool-renderer.ts', import.meta.url);

test('workers render in parallel: two tasks meet inside two different threads', async () => {
  const pool = createRenderPool<PoolTestInput>({ module, size: 2 });
  try {
    const counter = new SharedArrayBuffer(4);
    const out = await Promise.all([
      pool.run({ op: 'meet', counter, parties: 2 }),
      pool.run({ op: 'meet', counter, parties: 2 }),
    ]);
    const texts = out.map((b) => b.toString());
    assert.ok(
      texts.every((t) => t.startsWith('met@')),
      texts.join(', '),
    );
    assert.notEqual(texts[0], texts[1], 'both tasks ran on the same thread');
  } finally {
    await pool.close();
  }
});

test('more tasks than workers queue and all complete, each with its own result', async () => {
  const pool = createRenderPool<PoolTestInput>({ module, size: 2 });
  try {
    const out = await Promise.all(
      Array.from({ length: 25 }, (_, i) => pool.run({ op: 'echo', text: `t${i}` })),
    );
    out.forEach((b, i) => assert.match(b.toString(), new RegExp(`^t${i}@\\d+$`)));
    assert.ok(Buffer.isBuffer(out[0]));
    const threads = new Set(out.map((b) => b.toString().split('@')[1]));
    assert.ok(threads.size <= 2, `at most 2 threads, saw ${threads.size}`);
  } finally {
    await pool.close();
  }
});

test("a renderer's AppError keeps its kind and field; other errors become internal", async () => {
  const pool = createRenderPool<PoolTestInput>({ module, size: 1 });
  try {
    await assert.rejects(
      pool.run({ op: 'invalid' }),
      (e: unknown) =>
        e instanceof AppError &&
        e.kind === 'invalid' &&
        e.field === 'thing' &&
        /bad/.test(e.message),
    );
    await assert.rejects(
      pool.run({ op: 'throw' }),
      (e: unknown) => e instanceof AppError && e.kind === 'internal' && /boom/.test(e.message),
    );
    assert.match((await pool.run({ op: 'echo', text: 'after' })).toString(), /^after@/);
  } finally {
    await pool.close();
  }
});

test('a crashed worker fails only its task and is replaced', async () => {
  const pool = createRenderPool<PoolTestInput>({ module, size: 1 });
  try {
    const before = (await pool.run({ op: 'echo', text: 'a' })).toString();
    await assert.rejects(pool.run({ op: 'crash' }), /Render worker stopped/);
    const after = (await pool.run({ op: 'echo', text: 'b' })).toString();
    assert.notEqual(before.split('@')[1], after.split('@')[1], 'a new thread took over');
  } finally {
    await pool.close();
  }
});

test('close lets queued work finish, then refuses new work', async () => {
  const pool = createRenderPool<PoolTestInput>({ module, size: 1 });
  const pending = Array.from({ length: 5 }, (_, i) => pool.run({ op: 'echo', text: `q${i}` }));
  const closed = pool.close();
  const out = await Promise.all(pending);
  assert.deepEqual(
    out.map((b) => b.toString().split('@')[0]),
    ['q0', 'q1', 'q2', 'q3', 'q4'],
  );
  await closed;
  await assert.rejects(pool.run({ op: 'echo', text: 'late' }), /closed/);
});

test('a full queue refuses with busy', async () => {
  const pool = createRenderPool<PoolTestInput>({ module, size: 1, maxQueue: 2 });
  try {
    const accepted = [0, 1, 2].map((i) => pool.run({ op: 'echo', text: `${i}` }));
    await assert.rejects(
      pool.run({ op: 'echo', text: 'x' }),
      (e: unknown) => e instanceof AppError && e.kind === 'busy',
    );
    assert.equal((await Promise.all(accepted)).length, 3);
  } finally {
    await pool.close();
  }
});

test('size 0 means one worker per core', async () => {
  const { availableParallelism } = await import('node:os');
  const pool = createRenderPool<PoolTestInput>({ module, size: 0 });
  assert.equal(pool.size, availableParallelism());
  await pool.close();
});
