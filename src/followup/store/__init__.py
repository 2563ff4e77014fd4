"""The journal on disk: contact files read and edited safely, git history read in one pass, the caches, the
merge driver, a new journal. Uses the core; knows nothing of MkDocs or the command line."""
