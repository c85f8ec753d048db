import { describe, expect, it } from '@jest/globals';
import { filterSourceMap, type SourceMapV3 } from '../../scripts/bundle/source-map-filter.js';

/**
 * The bundle's source maps keep only what a stack trace needs: the mappings into src/, one per source line.
 * Mappings are base64 VLQ deltas: "AAAA" = [0,0,0,0]; "CAAC" = [+1,0,0,+1]; "ECAA" = [+2,+1,0,0]; "D" = −1;
 * "G" = +3; the generated column restarts at 0 on each line, the other fields carry over.
 */
describe('filterSourceMap (scripts/bundle)', () => {
  const map: SourceMapV3 = {
    version: 3,
    sources: ['../src/main.ts', '../node_modules/pkg/index.js'],
    sourcesContent: ['export {}', 'module.exports = {}'],
    names: ['run'],
    // Line 1: col 0 → main.ts 1:0; col 1 → main.ts 1:1 (same line); col 3 → pkg 1:1. Line 2: col 0 → main.ts 2:1.
    mappings: 'AAAA,CAAC,ECAA;ADCA'
  };

  it('drops node_modules sources, their content, names and repeated mappings of one source line', () => {
    const filtered = filterSourceMap(map, source => source.includes('/src/'));
    expect(filtered.sources).toEqual(['../src/main.ts']);
    expect(filtered.sourcesContent).toBeUndefined();
    expect(filtered.names).toEqual([]);
    // main.ts 1:0 at column 0; an unmapped segment where pkg's code starts (column 3); main.ts 2:1 on line 2.
    expect(filtered.mappings).toBe('AAAA,G;AACC');
  });

  it('keeps every source when all are wanted, still one mapping per source line', () => {
    const filtered = filterSourceMap(map, () => true);
    expect(filtered.sources).toEqual(map.sources);
    // main.ts 1:1 dropped (same source line as 1:0); pkg 1:1 at column 3 (deltas +3, +1, 0, +1); main.ts 2:1.
    expect(filtered.mappings).toBe('AAAA,GCAC;ADCA');
  });
});
