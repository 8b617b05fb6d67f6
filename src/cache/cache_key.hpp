#pragma once
/// \file
/// Cache keys. A primary key is the method class, the host and the request URI; a response that
/// names request headers in Vary is stored under a variant key: the primary key plus the values of
/// those headers in the request.
///
/// Layout (NUL separates the parts: SCGI variables are NUL-terminated, so no value contains one):
///   primary  = method-class NUL lowercase(host) NUL request-uri
///   variant  = primary { NUL cgi-name SOH value | NUL cgi-name STX }   (STX: header absent)
/// The method class is GET for GET and HEAD (see method_class); the host is HTTP_HOST, else
/// SERVER_NAME; the URI is REQUEST_URI exactly as received (no decoding, query order kept).

#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

#include <string>
#include <vector>

namespace pscgi::cache {

/// Writes the primary key of `request` into `key`, replacing its contents. Reusing one `key` string
/// keeps its capacity, so once it has grown this allocates nothing.
void build_primary_key(std::string& key, const Request& request);

/// Appends to `key` the values in `request` of the headers named (as CGI variables, e.g.
/// HTTP_ACCEPT_ENCODING) in `vary_names`, in that order. An absent header and an empty one differ.
void append_variant(std::string& key, const Request& request, const std::vector<std::string>& vary_names);

/// The request headers a response's Vary headers name, as CGI variable names, sorted and without
/// duplicates (so `Vary: b, a` and `Vary: A, B` give the same variants). Empty when there is no
/// Vary. Must not be called for `Vary: *` (see varies_on_everything).
std::vector<std::string> vary_names(const Response& response);

}  // namespace pscgi::cache
