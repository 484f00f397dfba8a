## server/: see the paragraph at the top of its files.
