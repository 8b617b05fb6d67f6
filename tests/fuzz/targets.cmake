# The fuzz targets: tests/fuzz/<name>.cpp each, with its seeds in tests/fuzz/corpus/<name>/ (plus the
# fixtures scripts/fuzz.sh names), a dictionary tests/fuzz/<name>.dict where one helps, and the inputs
# that once found a bug in tests/fuzz/regressions/<name>/.
set(PSCGI_FUZZ_TARGETS
  scgi_parser_fuzz
  config_loader_fuzz
  cache_policy_fuzz
  conditional_fuzz
  router_fuzz
  pages_path_fuzz
  cgi_output_fuzz)
