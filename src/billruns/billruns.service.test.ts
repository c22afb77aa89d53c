import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BILL_RUN_STATUSES,
  nextOccurrenceDay,
  transition,
  type BillRunAction,
  type BillRunStatus,
  type Schedule,
} from './billruns.service.ts';

type Expect = BillRunStatus | 'removed' | 'same' | 'rule' | 'busy';

// CONTRACT C3.3, written out row by row: what each client action does from each status.
const USER: Record<
  'post' | 'cancel' | 'delete-crud' | 'delete-rest' | 'email',
  Partial<Record<BillRunStatus, Expect>>
> = {
  post: { Completed: 'PostInProgress' },
  cancel: { Pending: 'CancelInProgress', Completed: 'CancelInProgress' },
  'delete-crud': { Canceled: 'RemoveInProgress' },
  'delete-rest': { Canceled: 'RemoveInProgress', Error: 'RemoveInProgress' },
  email: { Completed: 'same', Posted: 'same' },
};
const IN_PROGRESS: BillRunStatus[] = ['PostInProgress', 'CancelInProgress', 'RemoveInProgress'];

for (const [name, row] of Object.entries(USER)) {
  const action = name.split('-')[0] as BillRunAction;
  const api = name.endsWith('-crud') ? 'crud' : 'rest';
  for (const from of BILL_RUN_STATUSES) {
    const want: Expect = row[from] ?? (IN_PROGRESS.includes(from) ? 'busy' : 'rule');
    test(`C3.3: ${name} from ${from} → ${want}`, () => {
      const r = transition(from, action, api);
      if (want === 'rule' || want === 'busy') {
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.error.kind, want);
      } else {
        assert.deepEqual(r, { ok: true, to: want === 'same' ? null : want });
      }
    });
  }
}

const WORKER: [BillRunAction, BillRunStatus, BillRunStatus][] = [
  ['start', 'Pending', 'Processing'],
  ['complete', 'Processing', 'Completed'],
  ['fail', 'Processing', 'Error'],
  ['postDone', 'PostInProgress', 'Posted'],
  ['postFailed', 'PostInProgress', 'Completed'],
  ['cancelDone', 'CancelInProgress', 'Canceled'],
];
for (const [action, from, to] of WORKER) {
  test(`C3.3: worker ${action} moves ${from} to ${to} and nothing else`, () => {
    for (const s of BILL_RUN_STATUSES) {
      const r = transition(s, action, 'rest');
      if (s === from) assert.deepEqual(r, { ok: true, to });
      else {
        assert.equal(r.ok, false, `${action} from ${s}`);
        if (!r.ok) assert.equal(r.error.kind, 'rule', 'worker steps are never busy');
      }
    }
  });
}

test('a refused cancel names the run and the statuses it needs', () => {
  const r = transition('Posted', 'cancel', 'rest', 'The bill run BR-00000007');
  assert.equal(r.ok, false);
  if (!r.ok)
    assert.equal(
      r.error.message,
      'The bill run BR-00000007 cannot be canceled: its status is Posted, it must be Pending or Completed.',
    );
});

const sched = (s: Partial<Schedule>): Schedule => ({
  repeatFrom: '2026-01-31',
  repeatTo: null,
  repeatType: 'Daily',
  runTime: 4,
  weeklyOnDay: null,
  monthlyOnEndOfMonth: null,
  ...s,
});

test('schedules: the next occurrence of each repeat type (C3.2.2)', () => {
  assert.equal(nextOccurrenceDay(sched({ repeatType: 'None' }), '2026-01-31'), undefined);
  assert.equal(nextOccurrenceDay(sched({}), '2026-01-31'), '2026-02-01');
  assert.equal(nextOccurrenceDay(sched({ repeatTo: '2026-01-31' }), '2026-01-31'), undefined);
  // 2026-01-31 is a Saturday: the next Tuesday or Thursday is Feb 3.
  assert.equal(
    nextOccurrenceDay(sched({ repeatType: 'Weekly', weeklyOnDay: ['Thu', 'Tue'] }), '2026-01-31'),
    '2026-02-03',
  );
  // Monthly from the 31st clamps to February's last day, then returns to the 31st.
  assert.equal(nextOccurrenceDay(sched({ repeatType: 'Monthly' }), '2026-01-31'), '2026-02-28');
  assert.equal(nextOccurrenceDay(sched({ repeatType: 'Monthly' }), '2026-02-28'), '2026-03-31');
  assert.equal(
    nextOccurrenceDay(
      sched({ repeatType: 'Monthly', repeatFrom: '2026-01-15', monthlyOnEndOfMonth: true }),
      '2026-01-15',
    ),
    '2026-02-28',
  );
});
