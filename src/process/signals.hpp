#pragma once
// Signals are blocked at the top of main, before any thread or logger exists, and the master
// takes them at one point of its loop with sigtimedwait; workers read them from a signalfd. No
// signal handler ever runs, so none can deadlock on a lock (gunicorn's SIGCHLD lesson).

#include "pipeline/clock.hpp"

#include <csignal>
#include <vector>

namespace pscgi::process {

/// The signals the server acts on: TERM, INT, QUIT, HUP, USR1, USR2, CHLD, TTIN, TTOU.
sigset_t server_signals();
/// Blocks server_signals() in this thread (and, through inheritance, in every child) and ignores
/// SIGPIPE (a closed peer is an error return, not a death).
void block_server_signals();
/// Waits up to `timeout` for one of server_signals(); returns every one pending by then.
std::vector<int> take_signals(Clock::duration timeout);

}  // namespace pscgi::process
