// No WebAssembly heap growth over repeated classify() calls and load/dispose
// cycles (small counts; `node scripts/memory-check.mjs` runs the full ones).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryCheck } from '../../scripts/memory-check.mjs';
import { needsShared, requireDist } from './support.mjs';

for (const simd of ['auto', false]) {
  test(`200 classify calls and 30 load/dispose cycles leave the heap unchanged (simd: ${simd})`, async (t) => {
    requireDist();
    if (!needsShared(t)) return;
    const report = await memoryCheck({ classifyCalls: 200, loadCycles: 30, simd });
    assert.equal(report.heapAfterClassify, report.heapStart, 'after the classify calls');
    assert.equal(report.heapAfterCycles, report.heapStart, 'after the load/dispose cycles');
    assert.ok(report.heapPeakDuringCycles > report.heapStart, 'a loaded model shows on the heap');
  });
}
