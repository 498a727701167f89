// Verbs that work on photos: classify and eval.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "api/classifier.hpp"
#include "api/json_output.hpp"
#include "core/json.hpp"
#include "cli/cli.hpp"
#include "model/metadata.hpp"

namespace mnw::cli {
namespace {

namespace fs = std::filesystem;

// Labels for a model that carries none: a *labels*.txt file beside the model
// whose size fits its class count (e.g. imagenet_labels.txt for 1001 classes).
std::vector<std::string> labels_beside(const std::string& model_path, int classes) {
  std::error_code ec;
  std::vector<fs::path> candidates;
  for (const auto& e : fs::directory_iterator(fs::path(model_path).parent_path().empty() ? "." : fs::path(model_path).parent_path(), ec)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".txt" && name.find("labels") != std::string::npos) candidates.push_back(e.path());
  }
  std::sort(candidates.begin(), candidates.end());
  for (const fs::path& p : candidates) {
    auto text = read_file(p.string());
    if (!text) continue;
    auto labels = split_label_lines(reinterpret_cast<const char*>(text->data()), text->size());
    if (align_labels(labels, classes)) return labels;
  }
  return {};
}

Result<std::unique_ptr<Classifier>> load_classifier(const Args& args) {
  const auto model_path = args.value("model");
  if (!model_path) return invalid_argument("--model is required");
  auto bytes = read_file(*model_path);
  if (!bytes) return bytes.status();
  std::vector<std::string> labels;
  if (const auto labels_path = args.value("labels")) {
    auto text = read_file(*labels_path);
    if (!text) return text.status();
    labels = split_label_lines(reinterpret_cast<const char*>(text->data()), text->size());
  }
  ClassifierOptions options;
  if (const auto kernels = args.value("kernels"); kernels && *kernels == "reference") {
    options.interpreter.kernel_path = KernelPath::kReference;
  }
  if (args.flag("canonical")) {
    options.decode = DecodeOptions::canonical();
    options.preprocess.mode = PreprocessMode::kCanonical;
  }
  if (const auto crop = args.value("crop")) {
    const double fraction = std::atof(crop->c_str());
    if (!(fraction > 0.0 && fraction <= 1.0)) return invalid_argument("--crop must be in (0, 1]");
    options.preprocess.central_crop_fraction = fraction;
  }
  auto classifier = Classifier::load(*bytes, labels, options);
  if (!classifier) return Status(classifier.status().code(), *model_path + ": " + classifier.status().message());
  if (labels.empty() && classifier.value()->interpreter().model().labels.empty()) {
    labels = labels_beside(*model_path, classifier.value()->class_count());
    if (!labels.empty()) classifier = Classifier::load(std::move(bytes).value(), labels, options);
  }
  return classifier;
}

// The class a file of an ImageNet-labelled folder belongs to: its leading
// digits ("042_n01..._name.JPEG" -> 42), or -1.
int class_from_file_name(const std::string& name) {
  size_t digits = 0;
  while (digits < name.size() && digits < 4 && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
  if (digits == 0 || digits == name.size() || std::isdigit(static_cast<unsigned char>(name[digits]))) return -1;
  return std::atoi(name.substr(0, digits).c_str());
}

}  // namespace

int classify_command(const Args& args) {
  if (auto s = args.check_known({"model", "labels", "top", "json", "canonical", "crop", "kernels"}); !s) {
    return usage_error(s.message());
  }
  if (args.positional().empty()) return usage_error("classify needs --model and one or more images");
  auto classifier = load_classifier(args);
  if (!classifier) return fail(classifier.status());
  const int top = std::clamp(args.int_value("top", 5), 1, classifier.value()->class_count());
  const bool json = args.flag("json");
  int failures = 0;
  if (json) std::printf("[");
  for (size_t i = 0; i < args.positional().size(); ++i) {
    const std::string& path = args.positional()[i];
    auto bytes = read_file(path);
    auto result = bytes ? classifier.value()->classify_encoded(bytes->data(), bytes->size(), top)
                        : Result<std::vector<Classification>>(bytes.status());
    if (!result) {
      std::fprintf(stderr, "mobilenet: %s: %s\n", path.c_str(), result.status().message().c_str());
      ++failures;
      if (json) std::printf("%s\n {\"file\": %s, \"error\": %s}", i ? "," : "", json_quote(path).c_str(),
                            json_quote(result.status().message()).c_str());
      continue;
    }
    if (json) {
      std::printf("%s\n %s", i ? "," : "", classifications_json(*result).c_str());
    } else {
      std::printf("%s\n", path.c_str());
      for (size_t k = 0; k < result->size(); ++k) {
        const Classification& c = (*result)[k];
        std::printf("  %2zu. %-32s %7.2f%%  (index %d)\n", k + 1, c.label.empty() ? "?" : c.label.c_str(),
                    100.0 * static_cast<double>(c.probability), c.index);
      }
    }
  }
  if (json) std::printf("\n]\n");
  return failures ? 1 : 0;
}

int eval_command(const Args& args) {
  if (auto s = args.check_known({"model", "labels", "json", "canonical", "crop", "kernels", "limit"}); !s) {
    return usage_error(s.message());
  }
  if (args.positional().size() != 1) return usage_error("eval needs --model and one folder of images");
  auto classifier = load_classifier(args);
  if (!classifier) return fail(classifier.status());
  Classifier& c = *classifier.value();
  // 1001-class ImageNet models put "background" at output 0.
  const int offset = c.class_count() == 1001 ? 1 : 0;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(args.positional()[0], ec)) {
    if (e.is_regular_file() && class_from_file_name(e.path().filename().string()) >= 0) files.push_back(e.path());
  }
  if (ec) return fail(io_error("cannot read folder '" + args.positional()[0] + "': " + ec.message()));
  std::sort(files.begin(), files.end());
  const int limit = args.int_value("limit", 0);
  if (limit > 0 && files.size() > static_cast<size_t>(limit)) files.resize(static_cast<size_t>(limit));
  if (files.empty()) return fail(invalid_argument("no images named like '042_name.jpg' in '" + args.positional()[0] + "'"));
  int top1 = 0, top5 = 0, images = 0;
  for (const fs::path& f : files) {
    const int expected = class_from_file_name(f.filename().string()) + offset;
    auto bytes = read_file(f.string());
    if (!bytes) return fail(bytes.status());
    auto result = c.classify_encoded(bytes->data(), bytes->size(), 5);
    if (!result) return fail(Status(result.status().code(), f.string() + ": " + result.status().message()));
    ++images;
    top1 += !result->empty() && (*result)[0].index == expected;
    top5 += std::any_of(result->begin(), result->end(), [&](const Classification& r) { return r.index == expected; });
  }
  if (args.flag("json")) {
    std::printf("{\"images\": %d, \"top1\": %.4f, \"top5\": %.4f}\n", images, top1 / double(images), top5 / double(images));
  } else {
    std::printf("images: %d\ntop-1: %.1f%% (%d)\ntop-5: %.1f%% (%d)\n", images, 100.0 * top1 / images, top1,
                100.0 * top5 / images, top5);
  }
  return 0;
}

}  // namespace mnw::cli
