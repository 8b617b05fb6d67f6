#include "cache/conditional_stage.hpp"

#include "cache/validators.hpp"

namespace pscgi::cache {

StageResult ConditionalStage::on_request(Exchange& exchange) {
  (void)exchange;
  return StageResult::pass;
}

void ConditionalStage::on_response(Exchange& exchange) {
  // The client's method, not a HEAD the cache turned into GET for the application.
  const Request& request = exchange.original_request();
  const ResponsePtr& response = exchange.response;
  if (response && is_not_modified(request, *response)) exchange.response = make_not_modified(*response);
}

StagePtr make_conditional_stage() { return std::make_unique<ConditionalStage>(); }

}  // namespace pscgi::cache
