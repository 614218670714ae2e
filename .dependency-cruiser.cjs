// The allowed directions between MailDock's rooms: the one source of truth (ARCHITECTURE.md
// explains them). `npm run lint` runs it; test/boundaries.test.ts proves a wrong import is reported.
// Paths match with (?:^|/) so the rule fixture under test/boundaries/ is judged like the real tree.
const ROOT = '(?:^|/)'
const MAIN = `${ROOT}electron/main/`
const DOMAINS = '(?:docker|stack|broker|mail|logs|settings)'
const RENDERER = `${ROOT}renderer/src/`
const TESTS = '\\.test\\.tsx?$'

const rule = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to })

module.exports = {
  forbidden: [
    // Top level
    rule(
      'renderer-uses-contract-only',
      'The renderer runs in a browser: it imports shared/contract (and the pure shared/email-rules and shared/log-levels) only.',
      { path: RENDERER },
      {
        path: `${ROOT}(?:electron|resources|shared)/`,
        pathNot: [
          `${ROOT}shared/contract/`,
          `${ROOT}shared/email-rules\\.ts$`,
          `${ROOT}shared/log-levels\\.ts$`,
        ],
      },
    ),
    rule(
      'renderer-no-node',
      'The renderer runs in a browser: no Node modules.',
      { path: RENDERER },
      { dependencyTypes: ['core'] },
    ),
    rule(
      'preload-uses-contract-only',
      'The preload exposes the contract and nothing else.',
      { path: `${ROOT}electron/preload/` },
      {
        path: `${ROOT}(?:electron/main|renderer|resources|shared)/`,
        pathNot: `${ROOT}shared/contract/`,
      },
    ),
    rule(
      'only-the-shell-imports-electron',
      'Only electron/main/app/ and the preload import electron: the core runs in plain Node.',
      { pathNot: [`${MAIN}app/`, `${ROOT}electron/preload/`] },
      { path: '^electron$|node_modules/electron/' },
    ),
    rule(
      'shared-imports-no-process',
      'shared/ is imported by every process, so it imports none of them.',
      { path: `${ROOT}shared/` },
      { path: `${ROOT}(?:electron|renderer|resources)/` },
    ),
    rule(
      'nothing-imports-the-renderer',
      'The renderer is a leaf: nothing outside it imports it.',
      { pathNot: [RENDERER] },
      { path: RENDERER },
    ),
    rule(
      'main-stays-out-of-the-stack',
      'The app reaches the stack services over the network, never by importing them.',
      { path: `${ROOT}electron/`, pathNot: TESTS },
      { path: `${ROOT}resources/stack/` },
    ),
    // Main
    rule(
      'main-domain-public-face',
      'A domain of main imports another domain only through its index.ts, never its internals.',
      { path: `${MAIN}([^/]+)/` },
      {
        path: `${MAIN}[^/]+/.`,
        pathNot: [`${MAIN}$1/`, `${MAIN}[^/]+/index\\.ts$`, `${MAIN}lib/`],
      },
    ),
    rule(
      'main-root-public-face',
      'core.ts and router.ts wire the domains through their public faces.',
      { path: `${MAIN}[^/]+\\.ts$` },
      { path: `${MAIN}[^/]+/.`, pathNot: [`${MAIN}[^/]+/index\\.ts$`, `${MAIN}lib/`] },
    ),
    rule(
      'main-lib-is-generic',
      'electron/main/lib holds generic utilities: it imports no domain.',
      { path: `${MAIN}lib/` },
      { path: `${MAIN}`, pathNot: `${MAIN}lib/` },
    ),
    rule(
      'main-domains-below-the-root',
      'Domains sit below the composition root (core.ts), the router and the entry rooms (app, cli, server).',
      { path: `${MAIN}${DOMAINS}/`, pathNot: TESTS },
      { path: [`${MAIN}[^/]+\\.ts$`, `${MAIN}(?:app|cli|server)/`] },
    ),
    // Renderer
    rule(
      'renderer-transport-is-the-bottom',
      'transport/ talks to main; it imports no panel, no widget and not the app.',
      { path: `${RENDERER}transport/` },
      { path: `${RENDERER}(?:app|features|ui)/` },
    ),
    rule(
      'renderer-ui-imports-no-feature',
      'ui/ holds widgets every panel shares: it imports no panel and not the app.',
      { path: `${RENDERER}ui/` },
      { path: `${RENDERER}(?:app|features)/` },
    ),
    rule(
      'renderer-panels-stay-apart',
      "A panel never imports another panel's files: what two panels share moves to ui/.",
      { path: `${RENDERER}features/([^/]+)/` },
      { path: `${RENDERER}features/`, pathNot: `${RENDERER}features/$1/` },
    ),
    rule(
      'renderer-app-on-top',
      'app/ composes the panels; no panel, widget or transport imports it.',
      { path: `${RENDERER}(?:features|ui|transport)/` },
      { path: `${RENDERER}app/` },
    ),
    // Stack services
    rule(
      'stack-uses-shared-messages-only',
      'The stack services share only the wire format (shared/, not shared/contract) with the app.',
      { path: `${ROOT}resources/stack/` },
      { path: `${ROOT}(?:electron|renderer|shared/contract)/` },
    ),
    rule(
      'stack-services-stay-apart',
      'A stack service imports common/ and shared/, never another service.',
      { path: `${ROOT}resources/stack/(api|catcher|emailer|logger)/` },
      {
        path: `${ROOT}resources/stack/(?:api|catcher|emailer|logger)/`,
        pathNot: `${ROOT}resources/stack/$1/`,
      },
    ),
    rule(
      'stack-common-is-generic',
      'resources/stack/common is shared by every service: it imports none.',
      { path: `${ROOT}resources/stack/common/` },
      { path: `${ROOT}resources/stack/(?:api|catcher|emailer|logger|test)/` },
    ),
    rule(
      'production-code-imports-no-test-support',
      'Test support lives under test/ (or a test folder) and only tests import it.',
      { path: '^(?:electron|renderer|shared|resources/stack/(?!test/))', pathNot: TESTS },
      { path: ['^test/', '^resources/stack/test/', TESTS] },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: {
      path: '(?:^|/)(?:node_modules|out|dist|release|coverage)/|^test/boundaries/fixture/',
    },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    reporterOptions: { text: { highlightFocused: true } },
  },
}
