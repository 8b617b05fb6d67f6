#pragma once
// The outermost core stage: writes the access-log line for every request that went through the
// pipeline, with the response as the client gets it: after the 304s are made, and counting the
// bytes the connection writes (the head only, for HEAD).

#include <pscgi/stage.hpp>

namespace pscgi::pipeline {

StagePtr make_access_log_stage();

}  // namespace pscgi::pipeline
