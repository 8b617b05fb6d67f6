#include "config/account_settings.hpp"

#include "config/setting_kinds.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace pscgi::config {
namespace {

// A uid or gid written in decimal. (uid_t)-1 means "unchanged" to setuid() and chown(): refused.
std::optional<std::uint32_t> as_id(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  std::uint32_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id == static_cast<std::uint32_t>(-1)) {
    throw std::invalid_argument(fmt::format("{} is not a valid id (0 to 4294967294)", text));
  }
  return id;
}

// The *_r lookups need a buffer whose size the system only suggests: grow it on ERANGE.
template <class Entry, class Lookup>
std::optional<Entry> look_up(Lookup lookup) {
  std::vector<char> buffer(4096);
  for (;;) {
    Entry entry{};
    Entry* found = nullptr;
    const int error = lookup(&entry, buffer.data(), buffer.size(), &found);
    if (error == ERANGE && buffer.size() < (1u << 20)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (error != 0 && error != ENOENT && error != ESRCH) {
      throw std::runtime_error(fmt::format("the account database could not be read: {}", std::strerror(error)));
    }
    if (found == nullptr) return std::nullopt;
    return entry;
  }
}

std::string describe_user(const UserAccount& user) {
  return fmt::format("{} (uid {})", user.text, user.uid);
}

}  // namespace

std::optional<UserLookup> look_up_user(const std::string& name_or_number) {
  const std::optional<std::uint32_t> id = as_id(name_or_number);
  const auto entry = look_up<passwd>([&](passwd* e, char* buffer, std::size_t size, passwd** found) {
    return id ? ::getpwuid_r(*id, e, buffer, size, found) : ::getpwnam_r(name_or_number.c_str(), e, buffer, size, found);
  });
  if (entry) return UserLookup{entry->pw_uid, entry->pw_gid};
  if (id) return UserLookup{*id, std::nullopt};
  return std::nullopt;
}

std::optional<gid_t> look_up_group(const std::string& name_or_number) {
  const std::optional<std::uint32_t> id = as_id(name_or_number);
  if (id) return *id;
  const auto entry = look_up<group>([&](group* e, char* buffer, std::size_t size, group** found) {
    return ::getgrnam_r(name_or_number.c_str(), e, buffer, size, found);
  });
  if (entry) return entry->gr_gid;
  return std::nullopt;
}

Setting user_setting(std::string path, std::string doc) {
  auto load = [](const Field& field, Config& config) {
    if (field.is_null()) {
      config.user.reset();
      return;
    }
    const std::string text = field.scalar("a user name or a uid");
    if (text.empty()) field.fail("must not be empty (write ~ for none)");
    const std::optional<UserLookup> found = field.parse("a user name or a uid", look_up_user);
    if (!found) field.fail(fmt::format("unknown user \"{}\" (create it, e.g. useradd --system {})", text, text));
    if (found->uid == 0) {
      field.fail(fmt::format("\"{}\" is root (uid 0): the workers would keep every privilege; name an unprivileged "
                             "user, or write ~",
                             text));
    }
    config.user = UserAccount{text, found->uid, found->primary_gid};
  };
  auto show = [](const Config& config) { return config.user ? yaml_scalar(config.user->text) : std::string("~"); };
  return custom_setting(std::move(path), "user name or uid, or `~`",
                        "an existing user (a name, or a number), not root; `~` for none", std::move(doc), load, show);
}

Setting group_setting(std::string path, std::string doc) {
  auto load = [](const Field& field, Config& config) {
    if (field.is_null()) {
      config.group.reset();
      return;
    }
    const std::string text = field.scalar("a group name or a gid");
    if (text.empty()) field.fail("must not be empty (write ~ for the user's primary group)");
    const std::optional<gid_t> gid = field.parse("a group name or a gid", look_up_group);
    if (!gid) field.fail(fmt::format("unknown group \"{}\"", text));
    config.group = GroupAccount{text, *gid};
  };
  auto show = [](const Config& config) { return config.group ? yaml_scalar(config.group->text) : std::string("~"); };
  return custom_setting(std::move(path), "group name or gid, or `~`",
                        "an existing group (a name, or a number); `~` for the primary group of `user`", std::move(doc),
                        load, show);
}

std::vector<Relation> account_relations() {
  return {
      {"user", "group",
       [](const Config& c, const GivenKeys&) -> std::optional<std::string> {
         if (!c.user || c.user->primary_gid || c.group) return std::nullopt;
         return fmt::format("{} has no entry in the user database, so no primary group: set group",
                            describe_user(*c.user));
       }},
  };
}

}  // namespace pscgi::config
