#include "cache/cache_stage.hpp"

#include "cache/cache_control.hpp"
#include "cache/cache_key.hpp"
#include "cache/lifetime.hpp"
#include "cache/outer_cache.hpp"
#include "pipeline/exchange_internals.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <numeric>

namespace pscgi::cache {
namespace {

using pipeline::CacheOutcome;
using pipeline::OuterVerdict;
using pipeline::set_cache_outcome;
using pipeline::set_outer_verdict;

std::int64_t whole_seconds(std::chrono::milliseconds d) noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

}  // namespace

std::uint64_t CacheCounters::total_bypasses() const noexcept {
  return std::accumulate(bypasses.begin(), bypasses.end(), std::uint64_t{0});
}

std::size_t default_max_entries(const config::WorkerSettings& workers) noexcept {
  if (workers.max_requests == 0) return 1000;
  return static_cast<std::size_t>(std::max<std::uint64_t>(16, workers.max_requests / 5));
}

CacheStage::CacheStage(const config::CacheSettings& settings, const config::WorkerSettings& workers,
                       std::shared_ptr<CacheGeneration> generation, CacheStageHooks hooks,
                       std::shared_ptr<process::Scoreboard> scoreboard)
    : settings_(settings),
      generation_(std::move(generation)),
      seen_generation_(generation_ ? generation_->current() : 0),
      hooks_(std::move(hooks)),
      worker_pid_(std::to_string(getpid())),
      store_(settings.max_entries.value_or(default_max_entries(workers)), settings.max_bytes),
      scoreboard_(std::move(scoreboard)) {}

void CacheStage::on_worker_start(const WorkerInfo& worker) {
  // The stage was built before fork: without a fresh seed every worker would draw the same jitter,
  // and their entries would expire together again.
  std::random_device device;
  random_.seed((static_cast<std::uint64_t>(device()) << 32) ^ device() ^ static_cast<std::uint64_t>(worker.pid));
  worker_pid_ = std::to_string(worker.pid);
  if (scoreboard_ && worker.slot >= 1 && worker.slot <= scoreboard_->capacity()) {
    slot_.emplace(scoreboard_->writer(worker.slot));
    publish();
  }
}

void CacheStage::on_worker_exit() {
  const CacheCounters& c = counters_;
  const std::uint64_t not_stored = std::accumulate(c.not_stored.begin(), c.not_stored.end(), std::uint64_t{0});
  spdlog::info(
      "cache: lookups={} hits={} misses={} stale_hits={} stores={} not_stored={} bypasses={} (method={} "
      "authorization={} cookie={} no-cache={}) evictions={} expirations={} flushes={} entries={} bytes={}",
      c.lookups, c.hits, c.misses, c.stale_hits, c.stores, not_stored, c.total_bypasses(),
      c.bypass_count(BypassReason::method), c.bypass_count(BypassReason::authorization),
      c.bypass_count(BypassReason::cookie), c.bypass_count(BypassReason::no_cache), c.evictions, c.expirations,
      c.flushes, c.entries, c.bytes);
}

StageResult CacheStage::on_request(Exchange& exchange) {
  // Until the cache decides otherwise, an outer cache keeps nothing: pscgi stores nothing.
  if (settings_.outer) {
    set_outer_verdict(exchange, {OuterVerdict::dont_keep, nullptr});
    wall_at_request_ = wall_now();
  }
  if (!settings_.enabled) return StageResult::pass;
  follow_generation();
  const Request& request = exchange.original_request();
  if (const BypassReason reason = request_bypass_reason(request, settings_); reason != BypassReason::none) {
    ++counters_.bypasses[static_cast<std::size_t>(reason)];
    publish();
    set_cache_outcome(exchange, CacheOutcome::bypass);
    if (settings_.debug_headers)
      add_debug_headers(exchange, fmt::format("pscgi; fwd=bypass; detail={}", to_string(reason)));
    return StageResult::pass;
  }
  ++counters_.lookups;
  const TimePoint now = exchange.accepted_at();
  const CacheEntry* entry = find_entry(request, now);
  sync_store_counters();
  if (entry && entry->fresh_at(now)) {
    ++counters_.hits;
    // A hit removes nothing from the store (find removes only what it cannot serve), so only the
    // lookups and the hits changed.
    if (slot_) slot_->publish_cache_hit(counters_.lookups, counters_.hits);
    set_cache_outcome(exchange, CacheOutcome::hit);
    exchange.response = entry->response();
    if (settings_.outer) allow_outer_cache(exchange, entry->expires() - now);
    if (settings_.debug_headers) {
      const auto ttl = std::chrono::duration_cast<std::chrono::milliseconds>(entry->expires() - now);
      add_debug_headers(exchange, fmt::format("pscgi; hit; ttl={}", whole_seconds(ttl)));
    }
    return StageResult::answered;
  }
  ++counters_.misses;
  set_cache_outcome(exchange, CacheOutcome::miss);
  // A HEAD is answered from the GET entry, so its miss fetches the whole GET to fill that entry. The
  // client still gets the head only: that is decided where the answer is written.
  if (request.method() == "HEAD") exchange.replace_request(request.with_method("GET"));
  return StageResult::pass;
}

void CacheStage::on_response(Exchange& exchange) {
  if (!settings_.enabled) return;
  // on_request already judged the request: only a miss has anything to store (and to publish: the
  // pipeline calls on_response whatever the later stages did).
  if (pipeline::cache_outcome(exchange) != CacheOutcome::miss) return;
  const TimePoint now = exchange.accepted_at();
  const ResponsePtr response = exchange.response;
  if (!response) return;  // the pipeline could not even allocate its 500
  // The pipeline turns an application's exception into a 500, so this is how a failure looks here.
  if (response->status() >= 500 && serve_stale(exchange, now)) {
    sync_store_counters();
    publish();
    return;
  }
  store_response(exchange, response, now);
  sync_store_counters();
  publish();
}

void CacheStage::follow_generation() {
  if (!generation_) return;
  const std::uint64_t current = generation_->current();
  if (current == seen_generation_) return;
  seen_generation_ = current;
  store_.clear();
  sync_store_counters();
}

// Leaves the key of what it found (the variant key behind a vary marker) in key_.
const CacheEntry* CacheStage::find_entry(const Request& request, TimePoint now) {
  build_primary_key(key_, request);
  const CacheEntry* entry = store_.find(key_, now);
  if (entry && entry->is_vary_marker()) {
    append_variant(key_, request, entry->vary());
    entry = store_.find(key_, now);
  }
  return entry && !entry->is_vary_marker() ? entry : nullptr;
}

bool CacheStage::serve_stale(Exchange& exchange, TimePoint now) {
  if (settings_.stale_if_error <= config::Duration::zero()) return false;
  const Request& request = exchange.original_request();
  const CacheEntry* entry = find_entry(request, now);
  if (!entry || !entry->stale_at(now)) return false;
  ++counters_.stale_hits;
  set_cache_outcome(exchange, CacheOutcome::stale);
  exchange.response = entry->response();
  if (settings_.debug_headers) add_debug_headers(exchange, "pscgi; hit; fwd=stale; detail=stale-if-error");
  return true;
}

void CacheStage::store_response(Exchange& exchange, const ResponsePtr& response, TimePoint now) {
  const Request& request = exchange.original_request();
  const ResponseCacheControl cache_control = parse_response_cache_control(*response);
  StoreRefusal refusal = response_store_refusal(*response, cache_control, settings_);
  config::Duration lifetime{0};
  if (refusal == StoreRefusal::none) {
    lifetime = freshness_lifetime(*response, cache_control, settings_, wall_now()).value;
    if (settings_.ttl_jitter > 0) lifetime = apply_jitter(lifetime, settings_.ttl_jitter * draw_unit());
    if (lifetime <= config::Duration::zero()) refusal = StoreRefusal::zero_ttl;
  }
  if (refusal == StoreRefusal::none) {
    // must-revalidate forbids serving the response once stale, even when the application fails.
    const config::Duration stale_window =
        cache_control.must_revalidate ? config::Duration::zero() : settings_.stale_if_error;
    if (!insert(request, *response, response, now, now + lifetime, stale_window)) refusal = StoreRefusal::too_large;
  }
  if (refusal == StoreRefusal::none) {
    ++counters_.stores;
    set_cache_outcome(exchange, CacheOutcome::stored);
    if (settings_.outer) allow_outer_cache(exchange, lifetime);
    if (settings_.debug_headers)
      add_debug_headers(exchange, fmt::format("pscgi; fwd=miss; stored; ttl={}", whole_seconds(lifetime)));
    return;
  }
  ++counters_.not_stored[static_cast<std::size_t>(refusal)];
  // What the key held is older than the answer just given; a failure (5xx) keeps it for stale-if-error.
  if (response->status() < 500) forget(request, now);
  if (settings_.debug_headers)
    add_debug_headers(exchange, fmt::format("pscgi; fwd=miss; detail={}", to_string(refusal)));
}

bool CacheStage::insert(const Request& request, const Response& response, const ResponsePtr& stored, TimePoint now,
                        TimePoint expires, std::chrono::milliseconds stale_window) {
  build_primary_key(key_, request);
  std::vector<std::string> names = vary_names(response);
  if (names.empty()) return store_.insert(key_, stored, now, expires, stale_window);
  variant_ = key_;
  append_variant(variant_, request, names);
  // The marker goes in first: the variant's insert may evict old entries, never the newest one.
  if (!store_.insert_vary_marker(key_, std::move(names), now, expires, stale_window)) return false;
  return store_.insert(variant_, stored, now, expires, stale_window);
}

void CacheStage::forget(const Request& request, TimePoint now) {
  if (find_entry(request, now)) store_.erase(key_);
}

WallClock::time_point CacheStage::wall_now() const {
  return hooks_.wall_clock ? hooks_.wall_clock() : WallClock::now();
}

// `left`: how much longer pscgi itself may serve exchange.response, from the request's time.
void CacheStage::allow_outer_cache(Exchange& exchange, TimePoint::duration left) const {
  const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(left);
  set_outer_verdict(exchange,
                    {outer_keep_until(wall_at_request_, left_ms, settings_.outer_max_ttl), exchange.response.get()});
}

double CacheStage::draw_unit() {
  if (hooks_.random_unit) return hooks_.random_unit();
  return std::uniform_real_distribution<double>(0.0, 1.0)(random_);
}

void CacheStage::add_debug_headers(Exchange& exchange, std::string cache_status) const {
  exchange.extra_headers.push_back({"Cache-Status", std::move(cache_status)});
  exchange.extra_headers.push_back({"X-Pscgi-Worker", worker_pid_});
}

void CacheStage::sync_store_counters() noexcept {
  const StoreCounters& store = store_.counters();
  counters_.evictions = store.evictions;
  counters_.expirations = store.expirations;
  counters_.flushes = store.flushes;
  counters_.entries = store_.size();
  counters_.bytes = store_.bytes();
}

// A handful of relaxed stores into this process's own slot: cheap enough for every hit.
void CacheStage::publish() noexcept {
  if (!slot_) return;
  const CacheCounters& c = counters_;
  slot_->publish_cache({c.lookups, c.hits, c.misses, c.total_bypasses(), c.stores, c.evictions, c.entries, c.bytes});
}

StagePtr make_cache_stage(const config::CacheSettings& settings, const config::WorkerSettings& workers,
                          std::shared_ptr<CacheGeneration> generation,
                          std::shared_ptr<process::Scoreboard> scoreboard) {
  return std::make_unique<CacheStage>(settings, workers, std::move(generation), CacheStageHooks{}, std::move(scoreboard));
}

}  // namespace pscgi::cache
