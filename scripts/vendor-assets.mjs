// Copy the browser builds we serve from node_modules into Django's static files.
// The product runs on intranets: every asset is served by the product itself.
import { cpSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";

const out = "campuseval/static/vendor";
const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
  "bootstrap-icons/font/fonts": "bootstrap-icons/fonts",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
  // The certificates' CJK font (OFL-1.1), embedded in the PDFs: no system font is assumed.
  "@ibm/plex-sans-sc/fonts/complete/woff/hinted/IBMPlexSansSC-Regular.woff": "fonts/IBMPlexSansSC-Regular.woff",
  "@ibm/plex-sans-sc/fonts/complete/woff/hinted/IBMPlexSansSC-Bold.woff": "fonts/IBMPlexSansSC-Bold.woff",
  "@ibm/plex-sans-sc/LICENSE.txt": "fonts/IBMPlexSansSC-LICENSE.txt",
};
for (const [from, to] of Object.entries(files)) {
  const src = join("node_modules", from);
  if (!existsSync(src)) {
    console.error(`missing ${src}: run npm ci first`);
    process.exit(1);
  }
  const dest = join(out, to);
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(src, dest, { recursive: true });
}
console.log(`front-end assets copied to ${out}`);
