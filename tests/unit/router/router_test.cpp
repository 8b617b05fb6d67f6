#include <pscgi/router.hpp>

#include <pscgi/responses.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace pscgi {
namespace {

using ::testing::HasSubstr;

Request make_request(std::string method, std::string uri) {
  const std::string path = uri.substr(0, uri.find('?'));
  return Request::from_variables({{"REQUEST_METHOD", method}, {"REQUEST_URI", uri}, {"DOCUMENT_URI", path}});
}

// A handler that answers with its own name and the parameters it got: "name id=42 rest=a/b".
Handler says(std::string name) {
  return [name](const Request&, const RouteParams& params) {
    std::string body = name;
    for (const auto& [key, value] : params.all()) body += " " + std::string(key) + "=" + std::string(value);
    if (!params.mount_prefix().empty()) body += " under " + params.mount_prefix();
    return text(body);
  };
}

// The body of the answer, or "<status>" for an answer the router made itself.
std::string answer(Router& router, std::string method, std::string uri) {
  const ResponsePtr response = router.handle(make_request(std::move(method), std::move(uri)));
  if (response->status() != 200) return std::to_string(response->status());
  return std::string(response->body());
}

std::string add_error(Router& router, std::string_view pattern) {
  try {
    router.add(pattern, says("x"));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(RouterTest, MatchesExactPathsAndParameters) {
  Router router;
  router.add("/", says("root")).add("/users/{id}", says("user")).add("/users/{id}/posts/{post}", says("post"));
  EXPECT_EQ(answer(router, "GET", "/users/42"), "user id=42");
  EXPECT_EQ(answer(router, "GET", "/users/42/posts/7?x=1"), "post id=42 post=7");
  EXPECT_EQ(answer(router, "GET", "/elsewhere"), "root");
}

TEST(RouterTest, AnUnknownPathIs404) {
  Router router;
  router.get("/users/{id}", says("user"));
  EXPECT_EQ(answer(router, "GET", "/users"), "404");
  EXPECT_EQ(answer(router, "GET", "/users/1/x"), "404");
  const ResponsePtr r = router.handle(make_request("GET", "/nothing"));
  EXPECT_EQ(r->status(), 404);
  EXPECT_THAT(std::string(r->body()), HasSubstr("404 Not Found"));
}

TEST(RouterTest, AKnownPathWithAnotherMethodIs405WithAllow) {
  Router router;
  router.get("/items", says("list")).post("/items", says("create")).del("/items/{id}", says("delete"));
  EXPECT_EQ(answer(router, "POST", "/items"), "create");
  const ResponsePtr r = router.handle(make_request("PUT", "/items"));
  EXPECT_EQ(r->status(), 405);
  EXPECT_EQ(r->header("Allow"), "GET, HEAD, POST");
  EXPECT_EQ(router.handle(make_request("GET", "/items/3"))->header("Allow"), "DELETE");
  EXPECT_EQ(answer(router, "DELETE", "/nothing"), "404");
}

TEST(RouterTest, HeadIsAnsweredByGetRoutes) {
  Router router;
  router.get("/page", says("page"));
  EXPECT_EQ(answer(router, "HEAD", "/page"), "page");  // the server leaves the body out
  router.add("HEAD /page", says("head only"));
  EXPECT_EQ(answer(router, "HEAD", "/page"), "head only");
  EXPECT_EQ(answer(router, "GET", "/page"), "page");
}

TEST(RouterTest, ARouteWithoutMethodTakesEveryMethod) {
  Router router;
  router.add("/any", says("any")).add("POST /any", says("post"));
  EXPECT_EQ(answer(router, "PATCH", "/any"), "any");
  EXPECT_EQ(answer(router, "POST", "/any"), "post");
}

TEST(RouterTest, PrefixesMatchEverythingBelow) {
  Router router;
  router.get("/static/", says("static")).get("/files/{path...}", says("file"));
  EXPECT_EQ(answer(router, "GET", "/static/css/site.css"), "static");
  EXPECT_EQ(answer(router, "GET", "/static/"), "static");
  EXPECT_EQ(answer(router, "GET", "/files/a/b.txt"), "file path=a/b.txt");
  EXPECT_EQ(answer(router, "GET", "/files/"), "file path=");
}

TEST(RouterTest, TheMostSpecificRouteWinsWhateverTheOrder) {
  Router router;
  router.add("/", says("root"))
      .add("/users/", says("users tree"))
      .add("/users/{id}", says("user"))
      .add("GET /users/new", says("new form"))
      .add("GET /users/{id}", says("get user"))
      .add("/{$}", says("home"));
  EXPECT_EQ(answer(router, "GET", "/users/new"), "new form");
  EXPECT_EQ(answer(router, "GET", "/users/7"), "get user id=7");
  EXPECT_EQ(answer(router, "PUT", "/users/7"), "user id=7");
  EXPECT_EQ(answer(router, "GET", "/users/7/avatar"), "users tree");
  EXPECT_EQ(answer(router, "GET", "/"), "home");
  EXPECT_EQ(answer(router, "GET", "/about"), "root");
}

TEST(RouterTest, RefusesConflictingAndDuplicateRoutes) {
  Router router;
  router.add("/a/{x}", says("a"));
  EXPECT_THAT(add_error(router, "/{y}/b"), HasSubstr("conflicts with \"/a/{x}\""));
  EXPECT_THAT(add_error(router, "/a/{other}"), HasSubstr("matches the same requests as \"/a/{x}\""));
  router.add("GET /b/{x}", says("b"));
  EXPECT_THAT(add_error(router, "/b/c"), HasSubstr("conflicts with \"GET /b/{x}\""));
  EXPECT_EQ(add_error(router, "POST /b/{x}"), "(no error)");
  EXPECT_THAT(add_error(router, "/a/{x"), HasSubstr("route pattern \"/a/{x\""));
  EXPECT_THROW(router.add("/c", Handler{}), std::invalid_argument);
  EXPECT_THROW(router.get("GET /c", says("c")), std::invalid_argument);
}

TEST(RouterTest, RedirectsToThePathWithASlashWhenOnlyThatMatches) {
  Router router;
  router.get("/docs/", says("docs")).get("/exact", says("exact"));
  const ResponsePtr r = router.handle(make_request("GET", "/docs?page=2"));
  EXPECT_EQ(r->status(), 301);
  EXPECT_EQ(r->header("Location"), "/docs/?page=2");
  EXPECT_EQ(answer(router, "GET", "/exact"), "exact");
  EXPECT_EQ(answer(router, "GET", "/exact/"), "404");
  // /docs/ takes no POST: no redirect, but its methods are the ones allowed (as in Go).
  const ResponsePtr post = router.handle(make_request("POST", "/docs"));
  EXPECT_EQ(post->status(), 405);
  EXPECT_EQ(post->header("Allow"), "GET, HEAD");
}

TEST(RouterTest, RedirectsEvenWhenACatchAllMatches) {
  Router router;
  router.add("/", says("root")).get("/docs/", says("docs"));
  EXPECT_EQ(answer(router, "GET", "/docs"), "301");
  EXPECT_EQ(answer(router, "GET", "/docs/x"), "docs");
}

TEST(RouterTest, MountsARouterAtAPrefix) {
  Router api;
  api.get("/{$}", says("api index")).get("/items/{id}", says("item")).post("/items", says("create"));
  Router site;
  site.get("/", says("site")).mount("/api", std::move(api));
  EXPECT_EQ(answer(site, "GET", "/api/items/5"), "item id=5 under /api");
  EXPECT_EQ(answer(site, "GET", "/api"), "api index under /api");
  EXPECT_EQ(answer(site, "GET", "/api/"), "api index under /api");
  EXPECT_EQ(answer(site, "GET", "/api/nothing"), "404");
  EXPECT_EQ(answer(site, "GET", "/apix"), "site");
  const ResponsePtr r = site.handle(make_request("PUT", "/api/items"));
  EXPECT_EQ(r->status(), 405);
  EXPECT_EQ(r->header("Allow"), "POST");
}

TEST(RouterTest, AMountPrefixMayHoldParameters) {
  Router posts;
  posts.get("/{post}", says("post"));
  Router inner_most;
  inner_most.get("/{file...}", says("file"));
  posts.mount("/{post}/files", std::move(inner_most));
  Router site;
  site.mount("/users/{user}/posts", std::move(posts));
  EXPECT_EQ(answer(site, "GET", "/users/ann/posts/9"), "post user=ann post=9 under /users/ann/posts");
  EXPECT_EQ(answer(site, "GET", "/users/ann/posts/9/files/a/b"),
            "file user=ann post=9 file=a/b under /users/ann/posts/9/files");
}

TEST(RouterTest, AMoreSpecificRouteBeatsAMount) {
  Router api;
  api.get("/{name}", says("inner"));
  Router site;
  site.mount("/api", std::move(api)).get("/api/special", says("outer"));
  EXPECT_EQ(answer(site, "GET", "/api/special"), "outer");
  EXPECT_EQ(answer(site, "GET", "/api/other"), "inner name=other under /api");
}

TEST(RouterTest, RefusesAMalformedMountPrefix) {
  Router site;
  EXPECT_THROW(site.mount("/api/", Router()), std::invalid_argument);
  EXPECT_THROW(site.mount("GET /api", Router()), std::invalid_argument);
  EXPECT_THROW(site.mount("/", Router()), std::invalid_argument);
  EXPECT_THROW(site.mount("/{rest...}", Router()), std::invalid_argument);
  site.mount("/api", Router());
  EXPECT_THROW(site.mount("/api", Router()), std::invalid_argument);  // the same prefix twice
}

TEST(RouterTest, IsAnAppAndReadsParametersByName) {
  Router router;
  router.get("/users/{id}", [](const Request&, const RouteParams& params) {
    EXPECT_EQ(params.find("nope"), std::nullopt);
    EXPECT_THROW(params.at("nope"), std::out_of_range);
    return text(std::string(params.at("id")));
  });
  AppPtr app = std::make_unique<Router>(std::move(router));
  EXPECT_EQ(app->handle(make_request("GET", "/users/x1"))->body(), "x1");
}

}  // namespace
}  // namespace pscgi
