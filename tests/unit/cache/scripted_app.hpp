#pragma once
// A stand-in for the application in cache tests: answers with whatever `respond` returns (or throws
// what it throws), and records the method of every request it saw.

#include <pscgi/stage.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace pscgi::cache::test_support {

class ScriptedApp final : public Stage {
 public:
  using Respond = std::function<ResponsePtr(const Request&)>;

  explicit ScriptedApp(Respond respond, std::vector<std::string>* methods_seen)
      : respond_(std::move(respond)), methods_seen_(methods_seen) {}

  std::string_view name() const noexcept override { return "app"; }
  StageResult on_request(Exchange& exchange) override {
    methods_seen_->emplace_back(exchange.request().method());
    exchange.response = respond_(exchange.request());
    return StageResult::answered;
  }

 private:
  Respond respond_;
  std::vector<std::string>* methods_seen_;
};

}  // namespace pscgi::cache::test_support
