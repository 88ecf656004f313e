/** Tailwind v3 config for webnet. Paths are relative to backend/ (run npm scripts from there). */
/** @type {import('tailwindcss').Config} */
module.exports = {
  content: [
    "./templates/**/*.html",
    "./webnet/**/*.py",
    "./static/src/**/*.tsx",
  ],
  // The component classes of static/src/app.css are a contract with the templates: always emit
  // them, so a template that uses one works even before the CSS is rebuilt.
  safelist: [
    "btn", "btn-primary", "btn-secondary", "btn-danger",
    "card", "page-title",
    "label", "input", "field-error",
    "table-base", "th-base", "td-base",
    "badge", "badge-green", "badge-red", "badge-gray", "badge-yellow",
    "nav-link", "nav-link-active",
    "alert-error", "alert-success", "alert-info",
  ],
  darkMode: "class",
  theme: {
    extend: {
      fontFamily: {
        sans: [
          "Inter",
          "ui-sans-serif",
          "system-ui",
          "-apple-system",
          "Segoe UI",
          "Roboto",
          "Helvetica Neue",
          "Arial",
          "sans-serif",
        ],
        mono: ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
      },
    },
  },
  plugins: [
    // "class" strategy: form controls get styled only via the .input class (or form-* classes),
    // so third-party widgets (xterm.js, diff viewer) are left alone.
    require("@tailwindcss/forms")({ strategy: "class" }),
  ],
};
