#include "config/yaml_documents.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <vector>

namespace pscgi::config {
namespace {

// Where each document starts, and its first node (where LoadAll's Node::Mark() pointed).
class DocumentStarts final : public YAML::EventHandler {
 public:
  struct Document {
    YAML::Mark start;
    std::optional<YAML::Mark> first_node;
  };
  std::vector<Document> documents;

  void OnDocumentStart(const YAML::Mark& mark) override { documents.push_back({mark, std::nullopt}); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node_at(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnMapEnd() override {}

 private:
  void node_at(const YAML::Mark& mark) {
    if (!documents.empty() && !documents.back().first_node) documents.back().first_node = mark;
  }
};

}  // namespace

std::optional<SecondDocument> find_second_document(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  // Two calls at most: the second is where LoadAll would loop forever.
  if (!parser.HandleNextDocument(starts) || !parser.HandleNextDocument(starts) || starts.documents.size() < 2) {
    return std::nullopt;
  }
  const auto& first = starts.documents[0];
  const auto& second = starts.documents[1];
  return SecondDocument{second.first_node.value_or(second.start), second.start.pos == first.start.pos};
}

}  // namespace pscgi::config
