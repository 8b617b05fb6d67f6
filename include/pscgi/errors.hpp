#pragma once
/// \file
/// Exceptions an application throws to answer with an HTTP error. The app stage turns an HttpError
/// into a text/plain response with its status and message (and an info log line); any other
/// exception out of App::handle() stays a logged 500 with a generic body, so nothing internal leaks.

#include <stdexcept>
#include <string>

namespace pscgi {

/// An error answer chosen by the application: `status` (400 to 599) and a message for the client.
/// The message is sent as it is: write it for the client and do not copy request data into it
/// beyond what helps (it is text/plain, so it cannot inject markup).
class HttpError : public std::runtime_error {
 public:
  /// A status outside 400..599 is a bug in the caller and becomes 500.
  HttpError(int status, const std::string& message)
      : std::runtime_error(message), status_(status >= 400 && status <= 599 ? status : 500) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

/// The client sent something the app cannot use (a missing form field, a malformed number): 400.
class BadRequest : public HttpError {
 public:
  explicit BadRequest(const std::string& message) : HttpError(400, message) {}
};

}  // namespace pscgi
