// Field behaviour of entry forms: pickers that search as one types, fields shown for the kind of
// entry chosen, and values filled from a choice. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";
})();
