/* The directory's network view: draws /directory/network.json with cytoscape.js.
 *
 * Loaded with <script defer> (no inline script: CSP script-src 'self'). The page works without
 * it: the server-rendered table below the graph has the same members, agencies, people and roles.
 */
(function () {
  "use strict";

  var COLOURS = {
    member: "#0b5d7a",
    agency: "#5b3f91",
    person: "#1d6b36",
    working_group: "#c56a00",
    theme: "#d8b600"
  };
  // The least zoom at which labels can be read (a phone is held closer than a laptop's screen).
  var READABLE_ZOOM = { narrow: 0.8, wide: 0.65 };
  var FRESHNESS_BORDER = {
    up_to_date: "#1d6b36",
    due: "#d8b600",
    overdue: "#c56a00",
    delinquent: "#a4161a"
  };

  function say(status, key) {
    if (status) {
      status.textContent = status.getAttribute("data-" + key) || "";
    }
  }

  function elementsOf(data) {
    return (data.nodes || []).concat(data.edges || []);
  }

  function draw(container, status, data) {
    if (data.truncated) {
      say(status, "too-many");
      return;
    }
    if (!data.nodes || !data.nodes.length) {
      say(status, "empty");
      return;
    }
    // Cytoscape adds a <style> element unless one with this id exists; CSP (style-src 'self')
    // would refuse it. dir-maps.css already has the one rule it carries (position: relative).
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      var marker = document.createElement("meta");
      marker.id = "__________cytoscape_stylesheet";
      document.head.appendChild(marker);
    }
    container.hidden = false;
    status.textContent = "";
    var root = (data.nodes || []).filter(function (n) { return n.data.root; })[0];
    var cy = window.cytoscape({
      container: container,
      elements: elementsOf(data),
      minZoom: 0.1,
      maxZoom: 3,
      style: [
        {
          selector: "node",
          style: {
            "label": "data(label)",
            "font-size": 12,
            "text-valign": "bottom",
            "text-halign": "center",
            "text-margin-y": 3,
            "text-wrap": "wrap",
            "text-max-width": 140,
            "text-background-color": "#fff",
            "text-background-opacity": 0.85,
            "text-background-padding": 1,
            // Labels too small to read at this zoom are not drawn; zooming in brings them back.
            "min-zoomed-font-size": 7,
            "color": "#1b2430",
            "width": 14,
            "height": 14,
            "background-color": "#4a5563"
          }
        },
        { selector: "node[kind = 'member']", style: { "background-color": COLOURS.member, "width": 34, "height": 34, "font-size": 14, "font-weight": "bold" } },
        { selector: "node[kind = 'agency']", style: { "background-color": COLOURS.agency, "shape": "round-rectangle", "width": 20, "height": 20, "font-size": 12, "font-weight": "bold" } },
        { selector: "node[kind = 'person']", style: { "background-color": COLOURS.person, "border-width": 2, "border-color": "#fff" } },
        { selector: "node[kind = 'working_group']", style: { "background-color": COLOURS.working_group, "shape": "diamond", "width": 26, "height": 26, "font-size": 12 } },
        { selector: "node[kind = 'theme']", style: { "background-color": COLOURS.theme, "shape": "tag", "width": 22, "height": 22 } },
        { selector: "node[?root]", style: { "width": 44, "height": 44, "font-size": 16, "font-weight": "bold", "border-width": 3, "border-color": "#1b2430" } },
        { selector: "node[freshness = 'delinquent']", style: { "border-color": FRESHNESS_BORDER.delinquent, "border-width": 3, "border-style": "dashed" } },
        { selector: "node[freshness = 'overdue']", style: { "border-color": FRESHNESS_BORDER.overdue, "border-width": 3 } },
        { selector: "edge", style: { "width": 1, "line-color": "#b8c2cf", "curve-style": "haystack" } },
        { selector: "edge[kind = 'working_group_role']", style: { "line-color": COLOURS.working_group, "line-style": "dashed" } },
        { selector: "edge[kind = 'mandate'], edge[kind = 'thematic_role']", style: { "line-color": COLOURS.theme } },
        { selector: ".faded", style: { "opacity": 0.12 } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#f2a900" } }
      ],
      // Rings around the scope (the member, theme or working group asked about): what is one
      // link away on the first ring, two links away on the next, so every label has room.
      layout: root ? {
        name: "breadthfirst",
        roots: "#" + root.data.id,
        circle: true,
        spacingFactor: 1,
        nodeDimensionsIncludeLabels: true,
        animate: false
      } : {
        name: "cose",
        animate: false,
        nodeDimensionsIncludeLabels: true
      }
    });

    // On a small screen the whole network fits only at a zoom where no label can be read: start
    // closer, on the scope's own node, and let "Fit to the frame" show the whole of it.
    var readable = container.clientWidth < 600 ? READABLE_ZOOM.narrow : READABLE_ZOOM.wide;
    if (cy.zoom() < readable) {
      cy.zoom({
        level: readable,
        renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 }
      });
      cy.center(root ? cy.getElementById(root.data.id) : undefined);
    }

    // Hovering or tapping a node highlights its neighbourhood.
    cy.on("mouseover tap", "node", function (event) {
      var hood = event.target.closedNeighborhood();
      cy.elements().addClass("faded");
      hood.removeClass("faded");
    });
    cy.on("mouseout", "node", function () {
      cy.elements().removeClass("faded");
    });
    cy.on("tap", function (event) {
      if (event.target === cy) {
        cy.elements().removeClass("faded");
      }
    });
    // Double tap (or double click) opens a node: a person's or agency's record, or the network
    // of a member, theme or working group.
    cy.on("dbltap", "node", function (event) {
      var url = event.target.data("url");
      if (url && url.charAt(0) === "/" && url.charAt(1) !== "/") {
        window.location.assign(url);
      }
    });

    var tools = document.getElementById("network-tools");
    if (tools) {
      tools.hidden = false;
      tools.addEventListener("click", function (event) {
        var action = event.target.getAttribute && event.target.getAttribute("data-zoom");
        if (!action) {
          return;
        }
        if (action === "fit") {
          cy.fit(undefined, 20);
          return;
        }
        var factor = action === "in" ? 1.4 : 1 / 1.4;
        cy.zoom({
          level: cy.zoom() * factor,
          renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 }
        });
      });
    }
  }

  function start() {
    var container = document.getElementById("network-graph");
    if (!container || typeof window.cytoscape !== "function" || !window.fetch) {
      return;
    }
    var status = document.getElementById("network-status");
    say(status, "loading");
    window.fetch(container.getAttribute("data-url"), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        draw(container, status, data);
      })
      .catch(function () {
        say(status, "failed");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
