/// The demo app's page: the colour of the pod that served it, and a grid that grows by one square per
/// `/color` answer (polled four times a second), black for errors, with counts per colour. Plain HTML,
/// CSS and JavaScript with no external assets, so it works offline and behind any path prefix.
enum RolloutsDemoPage {
    static func html(color: String?) -> String {
        let name = escape(color ?? "random")
        // Inside <style> entities are not decoded: keep only characters a colour name or hex value uses.
        let swatch = color.map { "background:" + $0.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "#" || $0 == "-") } } ?? "background:linear-gradient(90deg,red,orange,yellow,green,blue,purple)"
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Rollouts demo: \(name)</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2rem; background: #f6f7f9; color: #1d2129; }
        h1 { font-size: 1.4rem; display: flex; align-items: center; gap: .6rem; }
        .swatch { display: inline-block; width: 1.4rem; height: 1.4rem; border-radius: 4px; \(swatch); }
        #grid { display: grid; grid-template-columns: repeat(auto-fill, 1.3rem); gap: 3px; margin-top: 1rem; max-width: 60rem; }
        #grid div { width: 1.3rem; height: 1.3rem; border-radius: 3px; }
        #grid .error { background: #1d2129; }
        #counts span { margin-right: 1rem; font-variant-numeric: tabular-nums; }
        button { font: inherit; }
        </style>
        </head>
        <body>
        <h1><span class="swatch"></span> Rollouts demo: \(name)</h1>
        <p>This page came from a pod answering <b>\(name)</b>. Each square is one <code>GET /color</code>:
        the colour that answered it, black for an error.</p>
        <p><button id="toggle">Pause</button> <span id="counts"></span></p>
        <div id="grid"></div>
        <script>
        const grid = document.getElementById("grid"), counts = {}, limit = 600;
        let running = true;
        document.getElementById("toggle").onclick = (e) => {
          running = !running;
          e.target.textContent = running ? "Pause" : "Resume";
        };
        function add(colour) {
          const square = document.createElement("div");
          if (colour) { square.style.background = colour; square.title = colour; } else { square.className = "error"; square.title = "error"; }
          grid.prepend(square);
          while (grid.children.length > limit) grid.lastChild.remove();
          const key = colour || "error";
          counts[key] = (counts[key] || 0) + 1;
          document.getElementById("counts").innerHTML =
            Object.entries(counts).map(([k, v]) => "<span>" + k + ": " + v + "</span>").join("");
        }
        async function poll() {
          if (running) {
            try {
              const response = await fetch("color", { cache: "no-store" });
              let colour = null;
              try { colour = JSON.parse(await response.text()); } catch (e) {}
              add(response.ok && typeof colour === "string" ? colour.replace(/[^a-z-]/gi, "") : null);
            } catch (e) {
              add(null);
            }
          }
          setTimeout(poll, 250);
        }
        poll();
        </script>
        </body>
        </html>

        """
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for c in text {
            switch c {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(c)
            }
        }
        return result
    }
}
