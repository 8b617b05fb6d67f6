#include "process/listener_pool.hpp"

#include "config/listen_address.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pscgi::process {
namespace {

bool is_unix(const Listener& listener) noexcept {
  return listener.address.kind == config::ListenAddress::Kind::unix_socket;
}

std::string joined_addresses(const std::vector<const PooledListener*>& listeners) {
  std::string text;
  for (const PooledListener* l : listeners) {
    if (!text.empty()) text += ", ";
    text += l->listener.address.text;
  }
  return text;
}

std::string quoted_or_none(const std::optional<std::string>& path) {
  return path ? fmt::format("\"{}\"", *path) : "none";
}

}  // namespace

const PooledListener* ListenerPool::find(const config::ListenAddress& address) const noexcept {
  for (const PooledListener& l : listeners_) {
    if (config::same_endpoint(l.listener.address, address)) return &l;
  }
  return nullptr;
}

void ListenerPool::use(std::uint32_t generation, const Listener& listener, int backlog, mode_t socket_mode) {
  for (PooledListener& l : listeners_) {
    if (l.listener.fd == listener.fd) {
      l.generations.insert(generation);
      return;
    }
  }
  listeners_.push_back({listener, backlog, socket_mode, {generation}});
}

std::vector<Listener> ListenerPool::release(std::uint32_t generation) {
  std::vector<Listener> unused;
  for (PooledListener& l : listeners_) {
    l.generations.erase(generation);
    if (l.generations.empty()) unused.push_back(l.listener);
  }
  std::erase_if(listeners_, [](const PooledListener& l) { return l.generations.empty(); });
  return unused;
}

std::vector<int> ListenerPool::fds_not_used_by(std::uint32_t generation) const {
  std::vector<int> fds;
  for (const PooledListener& l : listeners_) {
    if (!l.generations.contains(generation)) fds.push_back(l.listener.fd);
  }
  return fds;
}

std::vector<Listener> ListenerPool::take_all() {
  std::vector<Listener> all;
  for (const PooledListener& l : listeners_) all.push_back(l.listener);
  listeners_.clear();
  return all;
}

std::vector<std::string> settings_needing_restart(const std::optional<std::string>& running_pid_file,
                                                  const std::vector<const PooledListener*>& kept,
                                                  const config::Config& next) {
  std::vector<std::string> warnings;
  if (next.pid_file != running_pid_file) {
    warnings.push_back(fmt::format("pid_file changed ({} -> {}): the master keeps its pid file until a restart",
                                   quoted_or_none(running_pid_file), quoted_or_none(next.pid_file)));
  }
  std::vector<const PooledListener*> other_backlog;
  std::vector<const PooledListener*> other_mode;
  for (const PooledListener* l : kept) {
    if (l->listener.inherited) continue;  // its backlog and mode are the socket unit's, never pscgi's
    if (l->backlog != next.backlog) other_backlog.push_back(l);
    if (is_unix(l->listener) && l->socket_mode != next.socket_mode) other_mode.push_back(l);
  }
  if (!other_backlog.empty()) {
    warnings.push_back(fmt::format("backlog changed to {}, but the sockets kept open ({}) keep theirs until a restart",
                                   next.backlog, joined_addresses(other_backlog)));
  }
  if (!other_mode.empty()) {
    warnings.push_back(fmt::format("socket_mode changed to {:04o}, but the sockets kept open ({}) keep theirs until a restart",
                                   next.socket_mode, joined_addresses(other_mode)));
  }
  return warnings;
}

}  // namespace pscgi::process
