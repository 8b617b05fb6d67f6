#pragma once
/// \file
/// How the SCGI parser builds a Request without copying what it received: the Request keeps the
/// header block as its storage, and one slot (offsets and lengths into it) per variable. This is
/// the parser's business, not an application's, so it is not in include/.

#include <pscgi/request.hpp>

#include <string>
#include <utility>
#include <vector>

namespace pscgi::protocol {

class RequestStorage {
 public:
  using Slot = Request::Slot;

  /// `storage` holds the bytes every slot points into; `slots` are in the order the variables came.
  /// Taken by rvalue reference so that each buffer is moved once, straight into the Request.
  static Request make_request(std::string&& storage, std::vector<Slot>&& slots, std::string&& body) {
    return Request(std::move(storage), std::move(slots), std::move(body));
  }

  /// Takes the storage and the slots back out of a request that is done with (their capacity is
  /// what the parser wants again); the request is left empty, fit only to be destroyed.
  static void give_back(Request&& request, std::string& storage, std::vector<Slot>& slots) noexcept {
    storage = std::move(request.storage_);
    slots = std::move(request.slots_);
  }
};

using VariableSlot = RequestStorage::Slot;

}  // namespace pscgi::protocol
