// Known models: where each comes from (`url` to download it directly, or
// null with `source` naming the release when it ships only inside an archive), its SHA-256 (verified on download),
// input size and labels. The package's load({ model: '<name>' }) and the demo
// page read this list; the files themselves are never part of the package.
//
// Origins (see each `source`): the Coral test-data repository (TensorFlow's
// hosted quantized MobileNets, Apache-2.0), Google's TF-slim MobileNet V3
// 8-bit releases as republished on GitHub, and a TF-Hub MobileNet V3 Small
// post-training quantized to int8 with float I/O.
const CORAL = 'https://raw.githubusercontent.com/google-coral/test_data/master';

export const LABEL_FILES = {
  imagenet: { file: 'imagenet_labels.txt', url: `${CORAL}/imagenet_labels.txt`,
              sha256: 'b8aaeb5630c62626a7d124a05c0e14230a7ffdd2136a31d0190a4fb71c1d82f1' },
  inat_bird: { file: 'inat_bird_labels.txt', url: `${CORAL}/inat_bird_labels.txt`,
               sha256: 'a16108dfe3f8daff015b87a97ab6a17e717b9b1bccd719f6d8f747746d7b9277' },
};

export const MODELS = [
  { name: 'mobilenet_v1_0.25_128_quant', title: 'MobileNet V1 0.25 128 (uint8)', version: 1, inputSize: 128,
    file: 'mobilenet_v1_0.25_128_quant.tflite', url: `${CORAL}/mobilenet_v1_0.25_128_quant.tflite`,
    sha256: 'cb273c23ee76374b05b9583177e28aa19744858a7679c56a250e83d0333da785', bytes: 525598, labels: 'imagenet' },
  { name: 'mobilenet_v1_0.5_160_quant', title: 'MobileNet V1 0.5 160 (uint8)', version: 1, inputSize: 160,
    file: 'mobilenet_v1_0.5_160_quant.tflite', url: `${CORAL}/mobilenet_v1_0.5_160_quant.tflite`,
    sha256: '3cc6d2ca460abd2e0f699a6d0d2550c6b61c6e3b0e27a3616e384ea74cb86f43', bytes: 1392846, labels: 'imagenet' },
  { name: 'mobilenet_v1_0.75_192_quant', title: 'MobileNet V1 0.75 192 (uint8)', version: 1, inputSize: 192,
    file: 'mobilenet_v1_0.75_192_quant.tflite', url: `${CORAL}/mobilenet_v1_0.75_192_quant.tflite`,
    sha256: '41daeb22fdcf947e0e5ec32373aa9df7c31f3ef45dbd0ef7b5940fbce3c20f6a', bytes: 2652542, labels: 'imagenet' },
  { name: 'mobilenet_v2_1.0_224_quant', title: 'MobileNet V2 1.0 224 (uint8)', version: 2, inputSize: 224,
    file: 'mobilenet_v2_1.0_224_quant.tflite', url: `${CORAL}/mobilenet_v2_1.0_224_quant.tflite`,
    sha256: '7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776', bytes: 3610798, labels: 'imagenet' },
  { name: 'tf2_mobilenet_v2_1.0_224_ptq', title: 'MobileNet V2 1.0 224 (TF2, int8 per-channel)', version: 2, inputSize: 224,
    file: 'tf2_mobilenet_v2_1.0_224_ptq.tflite', url: `${CORAL}/tf2_mobilenet_v2_1.0_224_ptq.tflite`,
    sha256: '5d3137241276e79c86d14a74fe43581398ae0e815191d3dba45495b810840e8c', bytes: 4070174, labels: 'imagenet' },
  { name: 'mobilenet_v2_1.0_224_inat_bird_quant', title: 'MobileNet V2 birds (965 species, uint8)', version: 2, inputSize: 224,
    file: 'mobilenet_v2_1.0_224_inat_bird_quant.tflite', url: `${CORAL}/mobilenet_v2_1.0_224_inat_bird_quant.tflite`,
    sha256: '350fcd8cf1df1560060d464595dfed8b174b05792788052896004848d9ad04f9', bytes: 3579500, labels: 'inat_bird' },
  { name: 'mobilenet_v3_small_1.0_224_quant', title: 'MobileNet V3 Small 1.0 224 (uint8)', version: 3, inputSize: 224,
    file: 'mobilenet_v3_small_1.0_224_quant.tflite',
    url: null, source: 'TF-slim MobileNet V3 8-bit release v3-small_224_1.0_uint8 (tensorflow/models), file v3-small_224_1.0_uint8.tflite',
    sha256: 'da341cf06fa50127a72dcbeb140ee5ee98013630aa044260a4c3d45c43fc89ce', bytes: 2621808, labels: 'imagenet' },
  { name: 'mobilenet_v3_large_minimalistic_1.0_224_quant', title: 'MobileNet V3 Large minimalistic 1.0 224 (uint8)',
    version: 3, inputSize: 224, file: 'mobilenet_v3_large_minimalistic_1.0_224_quant.tflite',
    url: null, source: 'TF-slim MobileNet V3 8-bit release v3-large-minimalistic_224_1.0_uint8 (tensorflow/models)',
    sha256: '62307453547ae5871dbb07b5be79c05c253fafeddeedccf9905b2c98f184749b', bytes: 3988616, labels: 'imagenet' },
  { name: 'tf2_mobilenet_v3_small_1.0_224_ptq_float_io', title: 'MobileNet V3 Small 1.0 224 (TF2 int8, float I/O)',
    version: 3, inputSize: 224, file: 'tf2_mobilenet_v3_small_1.0_224_ptq_float_io.tflite',
    url: null, source: 'TF-Hub MobileNet V3 Small, int8 post-training quantized with float I/O (weilly0912/ATU_Model_Zoo, MIT)',
    sha256: '56b0056cc4255700f9a6445ef350439ca719288bd5b6d01d6f459c7c70aaa4b2', bytes: 2961304, labels: 'imagenet' },
];

export const DEFAULT_MODEL = 'mobilenet_v2_1.0_224_quant';

export function findModel(name) {
  return MODELS.find((m) => m.name === name || m.file === name) ?? null;
}
