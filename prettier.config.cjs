/** @type {import('prettier').Config} */
// Prettier settings of the OCA addons repository template for Odoo 18.0.
// Used by the `prettier` hook of .pre-commit-config.yaml (XML, YAML, JSON, JS,
// CSS, Markdown); format in place with:
//   PATH=.venv/bin:$PATH .venv/bin/pre-commit run --hook-stage manual prettier-write --all-files

const config = {
  // https://github.com/prettier/prettier/issues/15388#issuecomment-1717746872
  plugins: [require.resolve("@prettier/plugin-xml")],
  bracketSpacing: false,
  printWidth: 88,
  proseWrap: "always",
  semi: true,
  trailingComma: "es5",
  xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
