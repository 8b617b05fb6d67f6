#include "cache/lifetime.hpp"

#include <gtest/gtest.h>

namespace pscgi::cache {
namespace {

using namespace std::chrono;
using config::Duration;

const WallClock::time_point wall_now = sys_days{2024y / March / 1} + 12h;

Lifetime lifetime_of(ResponseBuilder builder, const config::CacheSettings& settings = {}) {
  const ResponsePtr response = builder.finish();
  return freshness_lifetime(*response, parse_response_cache_control(*response), settings, wall_now);
}

TEST(LifetimeTest, PrecedenceIsSMaxageMaxAgeExpiresApplicationSettings) {
  const std::string in_5_minutes = format_http_date(wall_now + 5min);
  auto all = [&] {
    return ResponseBuilder(200)
        .header("Cache-Control", "max-age=60, s-maxage=30")
        .header("Expires", in_5_minutes)
        .cache_for(seconds(45));
  };
  EXPECT_EQ(lifetime_of(all()).value, Duration(30s));
  EXPECT_EQ(lifetime_of(all()).source, LifetimeSource::s_maxage);
  auto no_s_maxage =
      ResponseBuilder(200).header("Cache-Control", "max-age=60").header("Expires", in_5_minutes).cache_for(45s);
  EXPECT_EQ(lifetime_of(no_s_maxage).value, Duration(60s));
  EXPECT_EQ(lifetime_of(ResponseBuilder(200).header("Expires", in_5_minutes).cache_for(45s)).value, Duration(5min));
  const Lifetime app = lifetime_of(ResponseBuilder(200).cache_for(45s));
  EXPECT_EQ(app.value, Duration(45s));
  EXPECT_EQ(app.source, LifetimeSource::application);
  config::CacheSettings settings;
  settings.ttl = 7s;
  const Lifetime fallback = lifetime_of(ResponseBuilder(200), settings);
  EXPECT_EQ(fallback.value, Duration(7s));
  EXPECT_EQ(fallback.source, LifetimeSource::settings);
}

TEST(LifetimeTest, ExpiresCountsFromDateWhenPresentElseFromNow) {
  // Date says the response was made an hour "ago" by this machine's clock: the lifetime is what the
  // application meant (Expires - Date), not what is left by our clock.
  const auto made = wall_now - 1h;
  auto dated =
      ResponseBuilder(200).header("Date", format_http_date(made)).header("Expires", format_http_date(made + 90s));
  EXPECT_EQ(lifetime_of(dated).value, Duration(90s));
  auto undated = ResponseBuilder(200).header("Expires", format_http_date(wall_now + 90s));
  EXPECT_EQ(lifetime_of(undated).value, Duration(90s));
  auto bad_date = ResponseBuilder(200).header("Date", "yesterday").header("Expires", format_http_date(wall_now + 20s));
  EXPECT_EQ(lifetime_of(bad_date).value, Duration(20s));
}

TEST(LifetimeTest, PastOrInvalidExpiresAndMaxAgeZeroGiveNoLifetime) {
  EXPECT_LE(lifetime_of(ResponseBuilder(200).header("Expires", format_http_date(wall_now - 1s))).value,
            Duration::zero());
  EXPECT_EQ(lifetime_of(ResponseBuilder(200).header("Expires", "0")).value, Duration::zero());
  EXPECT_EQ(lifetime_of(ResponseBuilder(200).header("Cache-Control", "max-age=0").cache_for(10s)).value,
            Duration::zero());
}

// Found by cache_policy_fuzz (an Expires in the year 299): dates centuries away overflowed WallClock.
TEST(LifetimeTest, ExpiresAndDateCenturiesApartGiveACappedOrZeroLifetime) {
  auto with = [](std::string expires, std::string date) {
    return ResponseBuilder(200).header("Expires", std::move(expires)).header("Date", std::move(date));
  };
  const config::CacheSettings settings;
  EXPECT_EQ(lifetime_of(with("Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT")).value,
            settings.max_ttl);
  EXPECT_LE(lifetime_of(with("Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT")).value,
            Duration::zero());
}

TEST(LifetimeTest, MaxTtlCapsEverySource) {
  config::CacheSettings settings;
  settings.max_ttl = 20s;
  settings.ttl = 1h;
  EXPECT_EQ(lifetime_of(ResponseBuilder(200).header("Cache-Control", "s-maxage=3600"), settings).value, Duration(20s));
  EXPECT_EQ(lifetime_of(ResponseBuilder(200).header("Cache-Control", "max-age=3600"), settings).value, Duration(20s));
  EXPECT_EQ(lifetime_of(ResponseBuilder(200).header("Expires", format_http_date(wall_now + 1h)), settings).value,
            Duration(20s));
  EXPECT_EQ(lifetime_of(ResponseBuilder(200).cache_for(1h), settings).value, Duration(20s));
  EXPECT_EQ(lifetime_of(ResponseBuilder(200), settings).value, Duration(20s));
  EXPECT_EQ(lifetime_of(ResponseBuilder(200).header("Cache-Control", "max-age=5"), settings).value, Duration(5s));
}

TEST(LifetimeTest, JitterCutsByAtMostTheFraction) {
  EXPECT_EQ(apply_jitter(Duration(10000), 0.0), Duration(10000));
  EXPECT_EQ(apply_jitter(Duration(10000), 0.1), Duration(9000));
  EXPECT_EQ(apply_jitter(Duration(10000), 0.25), Duration(7500));
  EXPECT_EQ(apply_jitter(Duration(10000), 1.0), Duration(0));
  EXPECT_EQ(apply_jitter(Duration(10000), 7.0), Duration(0));
  EXPECT_EQ(apply_jitter(Duration(10000), -1.0), Duration(10000));
  EXPECT_EQ(apply_jitter(Duration(0), 0.5), Duration(0));
  // Every fraction in [0, 0.1] lands in [0.9 L, L], including odd lengths that do not divide evenly.
  for (Duration::rep length : {1, 7, 999, 10001, 3600000}) {
    for (int step = 0; step <= 1000; ++step) {
      const double fraction = 0.1 * step / 1000.0;
      const Duration cut = apply_jitter(Duration(length), fraction);
      EXPECT_LE(cut, Duration(length));
      EXPECT_GE(static_cast<double>(cut.count()), static_cast<double>(length) * (1.0 - fraction) - 1e-9);
    }
  }
}

}  // namespace
}  // namespace pscgi::cache
