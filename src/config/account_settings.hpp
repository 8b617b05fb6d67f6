#pragma once
// `user:` and `group:`: the accounts the workers switch to when the master runs as root. Names and
// numbers are looked up in the user and group databases when the file is read, so a name that does
// not exist is an error at its line, before anything starts (as nginx's `user` directive is).

#include "config/settings.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pscgi::config {

/// `user`: a user name or a uid (not root); `~` for none.
Setting user_setting(std::string path, std::string doc);
/// `group`: a group name or a gid; `~` for the user's primary group.
Setting group_setting(std::string path, std::string doc);
/// A uid without a database entry needs `group`. (`group` without `user` is only warned about, at
/// start: src/process/privilege_checks.cpp.)
std::vector<Relation> account_relations();

/// The user database's entry for a name, or for a number written in decimal; nullopt for an unknown
/// name. A number without an entry is still a valid uid, without a primary group. Throws
/// std::invalid_argument for a number that is no valid id.
struct UserLookup {
  uid_t uid = 0;
  std::optional<gid_t> primary_gid;
};
std::optional<UserLookup> look_up_user(const std::string& name_or_number);
/// The group database's gid for a name, or a number written in decimal (valid with or without an
/// entry); nullopt for an unknown name.
std::optional<gid_t> look_up_group(const std::string& name_or_number);

}  // namespace pscgi::config
