#!/usr/bin/env python3
"""Writes grafana/dashboards/modrelay.json (run it after editing; CI checks the JSON's metric names)."""
import json
import os

DS = {"type": "prometheus", "uid": "prometheus"}
SEL = 'instance=~"$instance"'
panels = []
y = 0


def row(title):
    global y
    panels.append({"type": "row", "title": title, "collapsed": False, "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
                   "id": len(panels) + 1, "panels": []})
    y += 1


def ts(title, targets, unit="short", w=8, x=0, h=8, stack=False, description=""):
    panels.append({
        "type": "timeseries", "title": title, "description": description, "datasource": DS, "id": len(panels) + 1,
        "gridPos": {"h": h, "w": w, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit, "custom": {"stacking": {"mode": "normal" if stack else "none"},
                                                              "fillOpacity": 10}}, "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["mean", "max"]},
                    "tooltip": {"mode": "multi"}},
        "targets": [{"datasource": DS, "refId": chr(65 + i), "expr": e, "legendFormat": l}
                    for i, (e, l) in enumerate(targets)],
    })


def line(*cells):
    """Panels of one grid line, side by side, each (fn, kwargs)."""
    global y
    x = 0
    for fn, kw in cells:
        fn(x=x, **kw)
        x += kw.get("w", 8)
    y += 8


def q(metric, by, window="5m", extra=""):
    return f'sum by ({by}) (rate({metric}{{{SEL}{extra}}}[{window}]))'


def quantile(metric, p):
    return f'histogram_quantile({p}, sum by (le) (rate({metric}_bucket{{{SEL}}}[5m])))'


row("Traffic")
line((ts, dict(title="Requests/s by route", targets=[(q("modrelay_requests_total", "route"), "{{route}}")], unit="reqps")),
     (ts, dict(title="Responses/s by status", targets=[(q("modrelay_requests_total", "status"), "{{status}}")], unit="reqps",
               stack=True)),
     (ts, dict(title="Error ratio (5xx, 429)", unit="percentunit", targets=[
         (f'sum(rate(modrelay_requests_total{{{SEL},status=~"5.."}}[5m])) / sum(rate(modrelay_requests_total{{{SEL}}}[5m]))', "5xx"),
         (f'sum(rate(modrelay_requests_total{{{SEL},status="429"}}[5m])) / sum(rate(modrelay_requests_total{{{SEL}}}[5m]))', "429")])))
line((ts, dict(title="Time to upstream headers", unit="s", targets=[
         (quantile("modrelay_upstream_first_byte_seconds", 0.5), "p50"),
         (quantile("modrelay_upstream_first_byte_seconds", 0.95), "p95"),
         (quantile("modrelay_upstream_first_byte_seconds", 0.99), "p99")])),
     (ts, dict(title="Exchange duration (streams included)", unit="s", targets=[
         (quantile("modrelay_upstream_duration_seconds", 0.5), "p50"),
         (quantile("modrelay_upstream_duration_seconds", 0.95), "p95")])),
     (ts, dict(title="Open streams per replica", description="modrelay_active_streams: SSE responses being relayed",
               targets=[(f'sum by (instance) (modrelay_active_streams{{{SEL}}})', "{{instance}}")])))
line((ts, dict(title="Relayed bytes/s", unit="Bps", targets=[(q("modrelay_relayed_bytes_total", "route"), "{{route}}")])),
     (ts, dict(title="Chat log entries/s", targets=[
         (f'sum(rate(modrelay_chat_log_written_total{{{SEL}}}[5m]))', "written"),
         (f'sum(rate(modrelay_chat_log_dropped_total{{{SEL}}}[5m]))', "dropped (queue full)")])),
     (ts, dict(title="Replicas up", targets=[('sum(up{job="modrelay"})', "up")])))

row("Moderation")
line((ts, dict(title="Verdicts/s by suggestion", stack=True,
               targets=[(q("modrelay_moderation_verdicts_total", "suggestion"), "{{suggestion}}")])),
     (ts, dict(title="Cuts/s by reason", description="blocked: a verdict; unavailable: the moderator failed (fail closed)",
               targets=[(q("modrelay_moderation_cuts_total", "reason"), "{{reason}}")])),
     (ts, dict(title="Moderator failures/s", targets=[(q("modrelay_moderation_failures_total", "source"), "{{source}}")])))
line((ts, dict(title="Moderator calls/s by result", stack=True,
               targets=[(q("modrelay_moderation_calls_total", "source, result"), "{{source}} {{result}}")])),
     (ts, dict(title="Moderator latency", unit="s", targets=[
         (quantile("modrelay_moderation_duration_seconds", 0.5), "p50"),
         (quantile("modrelay_moderation_duration_seconds", 0.95), "p95")])),
     (ts, dict(title="Verdicts/s by label (not Pass)", targets=[
         (q("modrelay_moderation_verdicts_total", "label", extra=',suggestion!="Pass"'), "{{label}}")])))

row("Upstreams and keys")
line((ts, dict(title="Upstream keys by state", stack=True, w=12, description="modrelay_upstream_key_state: 1 per key in its state",
               targets=[(f'sum by (upstream, state) (max by (upstream, key, state) (modrelay_upstream_key_state{{{SEL}}}))',
                         "{{upstream}} {{state}}")])),
     (ts, dict(title="Keys not active (cooling, quarantined)", w=12,
               targets=[(f'max by (upstream, key, state) (modrelay_upstream_key_state{{{SEL},state!="active"}}) > 0',
                         "{{upstream}} {{key}} {{state}}")])))

row("Tokens")
line((ts, dict(title="Tokens/s by model and direction", w=12, stack=True,
               targets=[(q("modrelay_tokens_total", "model, direction"), "{{model}} {{direction}}")])),
     (ts, dict(title="Tokens/s by upstream", w=12, stack=True,
               targets=[(q("modrelay_tokens_total", "upstream, direction"), "{{upstream}} {{direction}}")])))

dashboard = {
    "uid": "modrelay", "title": "modrelay", "tags": ["modrelay"], "timezone": "", "schemaVersion": 39, "version": 1,
    "editable": False, "refresh": "30s", "time": {"from": "now-1h", "to": "now"},
    "templating": {"list": [{
        "name": "instance", "label": "replica", "type": "query", "datasource": DS, "refresh": 2,
        "query": {"query": "label_values(modrelay_active_streams, instance)", "refId": "instance"},
        "definition": "label_values(modrelay_active_streams, instance)",
        "includeAll": True, "multi": True, "allValue": ".*", "current": {"text": "All", "value": "$__all"}}]},
    "panels": panels,
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards", "modrelay.json")
with open(out, "w") as f:
    json.dump(dashboard, f, indent=1)
    f.write("\n")
