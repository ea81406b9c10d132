// The missing boards preTasksExecution hands to the same run's postTasksExecution (state.ts).
import type { ResolvedBoard, UnresolvedBoard } from '../toolchain/identity';
import { rememberMissingBoards, takeMissingBoards } from './state';

const missing = (id: string): UnresolvedBoard =>
  ({
    ok: false,
    board: { id },
    missing: { ok: false, missing: `${id}-gcc`, install: `apt-get install ${id}-gcc` },
  }) as unknown as UnresolvedBoard;
const found = { ok: true } as unknown as ResolvedBoard;

describe('missing boards handed from preTasksExecution to postTasksExecution', () => {
  it('gives the run its own record once, with each missing board and what to install', () => {
    rememberMissingBoards(
      'run-1',
      new Map<string, ResolvedBoard | UnresolvedBoard>([
        ['native', found],
        ['uno', missing('uno')],
      ]),
    );
    expect(takeMissingBoards('run-2')).toBeUndefined();
    expect(takeMissingBoards('run-1')).toEqual([{ board: 'uno', missing: 'uno-gcc', install: 'apt-get install uno-gcc' }]);
    // Taken: a later run with the same id (or a repeated call) resolves the boards itself.
    expect(takeMissingBoards('run-1')).toBeUndefined();
  });

  it('keeps only the latest run and records nothing without a run id', () => {
    rememberMissingBoards('a', new Map([['uno', missing('uno')]]));
    rememberMissingBoards('b', new Map([['native', found]]));
    expect(takeMissingBoards('a')).toBeUndefined();
    expect(takeMissingBoards('b')).toEqual([]);
    rememberMissingBoards(undefined, new Map([['uno', missing('uno')]]));
    expect(takeMissingBoards(undefined)).toBeUndefined();
  });
});
