#include <pscgi/server.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace pscgi {
namespace {

TEST(BuiltinAppsTest, RegistersTheDemoApp) {
  const AppRegistry apps = builtin_apps();
  const AppFactory* demo = apps.find("demo");
  ASSERT_NE(demo, nullptr);
  AppPtr app = (*demo)(AppSettings{"demo", {}});
  ASSERT_NE(app, nullptr);
  const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/hello"}});
  EXPECT_EQ(app->handle(request)->status(), 200);
}

TEST(BuiltinAppsTest, TheDemoFactoryRejectsOptionsNamingTheKey) {
  const AppRegistry apps = builtin_apps();
  const AppFactory* demo = apps.find("demo");
  ASSERT_NE(demo, nullptr);
  try {
    (*demo)(AppSettings{"demo", {{"colour", "blue"}}});
    FAIL() << "an unknown option was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("app.colour"), std::string::npos) << e.what();
  }
}

TEST(BuiltinAppsTest, UnknownTypesAreNotFound) { EXPECT_EQ(builtin_apps().find("nope"), nullptr); }

}  // namespace
}  // namespace pscgi
