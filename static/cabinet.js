// Sizes the cabinet frame to its content with iframe-resizer (v4 protocol),
// accepting size messages only from the cabinet's origin and our own (the
// portal's messages shown in the frame when the cabinet is unavailable).
(function () {
  "use strict";
  var frame = document.getElementById("priceplan-cabinet");
  if (!frame || typeof window.iFrameResize !== "function") {
    return;
  }
  window.iFrameResize(
    {
      checkOrigin: [frame.getAttribute("data-cabinet-origin"), window.location.origin],
      warningTimeout: 15000,
      heightCalculationMethod: "lowestElement",
      log: false
    },
    frame
  );
})();
