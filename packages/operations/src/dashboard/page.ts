/**
 * The status page: relocations with their stages, and per-stage lag over time drawn by uPlot. It polls
 * /api/state every second; the plot's data-points attribute counts the samples drawn (tests read it).
 */
export const dashboardPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>relocate: relocations and lag</title>
<link rel="stylesheet" href="/assets/uPlot.min.css">
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #222; }
  table { border-collapse: collapse; margin-bottom: 1.5rem; }
  th, td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; }
  .running { color: #0a58ca; } .success, .done { color: #198754; } .failure, .failed, .cancelled { color: #dc3545; } .pending { color: #888; }
  #lag-status span { margin-right: 1rem; }
</style>
</head>
<body>
<h1>Relocations</h1>
<table id="relocations"><thead><tr><th>relocation</th><th>status</th><th>stages</th><th>created</th></tr></thead><tbody></tbody></table>
<h2>Lag per stage (records)</h2>
<div id="lag-status"></div>
<div id="plot" data-points="0"></div>
<script src="/assets/uPlot.iife.min.js"></script>
<script>
  const tbody = document.querySelector('#relocations tbody');
  const plotEl = document.getElementById('plot');
  const statusEl = document.getElementById('lag-status');
  let plot;
  const cell = (text, cls) => { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; };
  const colors = ['#0a58ca', '#198754', '#fd7e14', '#6f42c1', '#dc3545'];
  function render(state) {
    tbody.replaceChildren(...state.relocations.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.relocation = r.relocationId;
      tr.append(cell(r.relocationId), cell(r.paused && r.status === 'running' ? 'running (paused)' : r.status, r.status),
        cell(r.stages.map((s) => s.stage + ': ' + s.state + ' ' + s.recordsIn + '/' + s.recordsOut).join(', ')), cell(r.createdAt));
      return tr;
    }));
    statusEl.replaceChildren(...Object.entries(state.lag.status).map(([stage, status]) => {
      const span = document.createElement('span'); span.textContent = stage + ': ' + status; return span;
    }));
    const stages = Object.keys(state.lag.series);
    const data = [state.lag.times.map((t) => t / 1000), ...stages.map((s) => state.lag.series[s])];
    if (!plot || plot.series.length !== stages.length + 1) {
      plot?.destroy();
      plot = new uPlot({ width: 900, height: 300, series: [{}, ...stages.map((s, i) => ({ label: s, stroke: colors[i % colors.length] }))] }, data, plotEl);
    } else {
      plot.setData(data);
    }
    plotEl.dataset.points = String(state.lag.times.length);
  }
  async function poll() {
    try {
      const res = await fetch('/api/state');
      if (res.ok) render(await res.json());
    } finally {
      setTimeout(poll, 1000);
    }
  }
  poll();
</script>
</body>
</html>
`;
