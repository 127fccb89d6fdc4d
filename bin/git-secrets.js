#!/usr/bin/env node
// git-secrets: keyfence's drop-in for awslabs/git-secrets. Put this first on PATH as
// `git-secrets` and `git secrets …` (and hooks installed by git-secrets) run keyfence.
// Exit codes are git-secrets': 0 clean, 1 prohibited pattern found (or a refused option or
// duplicate), 2 missing file (or a failure git-secrets has no answer for: one line
// `keyfence: …`), 129 usage. Runs src/gitsecrets/main.ts from the bundle (see loadBundle.js).
'use strict';
require('./loadBundle.js').runBundle('git-secrets', 'gitSecretsMain');
