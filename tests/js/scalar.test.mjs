// The scalar fallback (the build without wasm SIMD, as engines lacking SIMD
// get it) gives the same results as the SIMD build.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, test } from 'node:test';
import { load, simdSupported } from '../../wasm/js/index.js';
import { imageNames, imagePath, MODEL_CASES, modelPath, needsShared, requireDist } from './support.mjs';

before(() => requireDist());

test('Node runs the SIMD build by default', () => {
  assert.equal(simdSupported(), true);
});

for (const modelCase of MODEL_CASES) {
  test(`${modelCase.name}: load({ simd: false }) classifies every shared image like the SIMD build`, async (t) => {
    if (!needsShared(t)) return;
    const options = { model: modelPath(modelCase.name), labels: modelCase.labels };
    const [simd, scalar] = await Promise.all([load(options), load({ ...options, simd: false })]);
    t.after(() => [simd, scalar].forEach((model) => model.dispose()));
    assert.equal(simd.info.simd, true);
    assert.equal(scalar.info.simd, false);
    assert.equal(scalar.info.kernels, 'reference');
    for (const name of imageNames()) {
      const image = await readFile(imagePath(name));
      assert.deepEqual(await scalar.classify(image), await simd.classify(image), name);
    }
  });
}
