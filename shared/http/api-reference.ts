import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Reply } from './route.js';

/** The Swagger UI files we serve; an allow-list, so the asset route can't read anything else. */
export const swaggerAssetNames = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'] as const;
export type SwaggerAsset = (typeof swaggerAssetNames)[number];

const types: Record<SwaggerAsset, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

function swaggerDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

export async function swaggerAsset(name: SwaggerAsset): Promise<Reply | undefined> {
  try {
    const raw = await readFile(join(swaggerDir(), name));
    return { raw, contentType: types[name], headers: { 'Cache-Control': 'public, max-age=86400' } };
  } catch {
    return undefined;
  }
}

// A page with no inline script, so the CSP can stay strict: the initialiser is a served asset too.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>PMI Platform API reference</title>
<link rel="icon" href="docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-spec-url="openapi.json"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="docs/init.js"></script>
</body>
</html>`;

export function apiReferencePage(): Reply {
  return {
    raw: PAGE,
    contentType: 'text/html; charset=utf-8',
    headers: {
      'Cache-Control': 'public, max-age=300',
      'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    },
  };
}

export const SWAGGER_INIT = `window.addEventListener('load', function () {
  var el = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({ url: el.getAttribute('data-spec-url'), dom_id: '#swagger-ui', deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
});`;
