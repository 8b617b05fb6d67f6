#pragma once
// The outermost core stage: writes the access-log line for every request that went through the
// pipeline, with the response as the client gets it (after 304s and HEAD answers are made).

#include <pscgi/stage.hpp>

namespace pscgi::pipeline {

StagePtr make_access_log_stage();

}  // namespace pscgi::pipeline
