#pragma once
// The guestbook (`app: { type: guestbook, data_dir: DIR }`): a page that lists what visitors wrote,
// with a form to add an entry, and the same entries as JSON.
//   GET  /              the page: the newest entries and the form
//   POST /entries       adds the form's entry, then 303 See Other to /
//   GET  /api/entries   {"entries": [{"name", "message", "time"}, ...]}, newest first

#include <pscgi/app.hpp>

namespace guestbook {

/// Reads the app's settings (data_dir, required; title, default "Guestbook"; show, the number of
/// entries listed, default 20) and opens the entry file. Runs once, in the master, before the
/// workers are forked: a wrong setting stops the server at startup with the key's name.
pscgi::AppPtr make_guestbook_app(const pscgi::AppSettings& settings);

}  // namespace guestbook
