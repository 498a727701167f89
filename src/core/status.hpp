// Error handling for the whole engine: no exceptions cross the engine's API.
// Every fallible call returns Status (or Result<T>), whose message names what
// is wrong ("DEPTHWISE_CONV_2D: depth_multiplier 2 is not supported (op #7)").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace mnw {

enum class ErrorCode : int {
  kOk = 0,
  kInvalidModel = 1,     // malformed or hostile model file
  kUnsupported = 2,      // valid model using an op, dtype or option we do not run
  kInvalidArgument = 3,  // wrong tensor size, bad option, ...
  kInvalidImage = 4,     // not an image, corrupt, too large
  kIo = 5,               // file could not be read or written
  kOutOfMemory = 6,      // a size limit would be exceeded
};

const char* error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  bool is_ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status invalid_model(std::string m) { return {ErrorCode::kInvalidModel, std::move(m)}; }
inline Status unsupported(std::string m) { return {ErrorCode::kUnsupported, std::move(m)}; }
inline Status invalid_argument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status invalid_image(std::string m) { return {ErrorCode::kInvalidImage, std::move(m)}; }
inline Status io_error(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
inline Status out_of_memory(std::string m) { return {ErrorCode::kOutOfMemory, std::move(m)}; }

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool is_ok() const { return value_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mnw

// Propagates a failed Status to the caller.
#define MNW_RETURN_IF_ERROR(expr)            \
  do {                                       \
    ::mnw::Status mnw_status_ = (expr);      \
    if (!mnw_status_.is_ok()) return mnw_status_; \
  } while (0)
