#pragma once
/// \file
/// The "conditional" stage: answers conditional GET and HEAD with 304 Not Modified. It goes before
/// the cache in the pipeline so that it sees every response on its way out, from the cache or from
/// the application alike.

#include <pscgi/stage.hpp>

namespace pscgi::cache {

/// Never answers on the way in. On the way out, for the original request's method GET or HEAD, a
/// 200 whose validators satisfy If-None-Match (or, without one, If-Modified-Since) is replaced by a
/// new 304 (make_not_modified). Any other response goes on as it is — for HEAD too: the body of a
/// HEAD answer is left out where the answer is written (protocol::OutgoingResponse).
/// It only ever builds new objects: the response it was given, perhaps the cache's, is not touched.
class ConditionalStage final : public Stage {
 public:
  std::string_view name() const noexcept override { return "conditional"; }
  StageResult on_request(Exchange& exchange) override;
  void on_response(Exchange& exchange) override;
};

/// The stage for the `conditional` entry of `pipeline:`. It has no settings: conditional requests
/// are answered whether or not the cache is enabled (the ETag comes from the response).
StagePtr make_conditional_stage();

}  // namespace pscgi::cache
