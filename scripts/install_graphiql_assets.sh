#!/usr/bin/env bash
# Installs GraphiQL and its runtime from the npm registry (pinned in assets/package-lock.json) and copies
# the files the GraphiQL page loads into assets/static/graphiql/, served as local static files.
set -euo pipefail
cd "$(dirname "$0")/../assets"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
out=static/graphiql
mkdir -p "$out"
nm=node_modules
cp "$nm/graphiql/graphiql.min.css" "$nm/graphiql/graphiql.min.js" "$out/"
cp "$nm/react/umd/react.production.min.js" "$nm/react-dom/umd/react-dom.production.min.js" "$out/"
cp "$nm/graphql-ws/umd/graphql-ws.min.js" "$out/"
cp "$nm/whatwg-fetch/dist/fetch.umd.js" "$out/"
cp "$nm/@graphiql/plugin-explorer/dist/graphiql-plugin-explorer.umd.js" "$out/"
cp "$nm/@graphiql/plugin-explorer/dist/style.css" "$out/plugin-explorer.css"
echo "GraphiQL assets installed in assets/$out"
