// The tree bench's rounds: the tools take turns in alternating order, and the report pairs their
// figures round by round.
import type { CaseResult } from '../bench/cases';
import type { ToolName } from '../bench/tools';
import { roundRatios } from '../bench/report';
import { turnOrder } from '../bench/tree';

function result(tool: ToolName, walls: (number | undefined)[], failedRound?: number): CaseResult {
  return {
    dataset: 'tree',
    case: 'full',
    label: 'full',
    tool,
    ok: true,
    runs: walls.map((wallS, i) => ({ ok: i !== failedRound, wallS })),
  };
}

describe('tree bench rounds', () => {
  it('alternates the order of the tools from one round to the next', () => {
    const tools = ['lifeboat', 'restic', 'borg'];
    expect(turnOrder(tools, 1)).toEqual(['lifeboat', 'restic', 'borg']);
    expect(turnOrder(tools, 2)).toEqual(['borg', 'restic', 'lifeboat']);
    expect(turnOrder(tools, 3)).toEqual(['lifeboat', 'restic', 'borg']);
    expect(tools).toEqual(['lifeboat', 'restic', 'borg']);
  });

  it('pairs Lifeboat and restic round by round, leaving out rounds where either failed', () => {
    const results = [
      result('lifeboat', [6, 12, 9, 8], 3),
      result('restic', [10, 10, 18, 16]),
      result('borg', [30, 30, 30, 30]),
    ];
    expect(roundRatios(results, 'tree', 'full', (r) => r.wallS)).toEqual([0.6, 1.2, 0.5]);
    expect(roundRatios(results, 'tree', 'incremental', (r) => r.wallS)).toEqual([]);
    expect(roundRatios(results, 'other', 'full', (r) => r.wallS)).toEqual([]);
  });
});
