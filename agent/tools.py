"""The tool-calling agent's tools over the ECGs of one question, and the evidence they produced.

``ECGTools`` binds the question's ECGs to short names ("ecg1", "ecg2"), so the model never
handles paths. Each tool answers compact JSON text for the model and records the evidence items
(agent.evidence) it showed, under the pipeline's ids (m:/s:/r:/k:/q:, "ecg<n>/" first with two
ECGs), so the final Answer cites exactly what the model saw:

- ``measure(ecg)``: the quality verdict and every measured value with unit and normal range;
- ``statements(ecg)``: the criteria statements that hold, each with its measured evidence;
- ``similar_reports(ecg, k)``: reports of similar historical ECGs (never the ECG's own record
  or patient: the retriever leaves out the index entry identical to it);
- ``knowledge(query, k)``: knowledge snippets (criteria and their thresholds);
- ``compare(ecg_a, ecg_b)``: measured values side by side with the change, and the statements
  found in one ECG only or in both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field, create_model

from agent import evidence as ev
from agent.context import ECGContext
from agent.evidence import MEASURED_FIELDS

MAX_K = 10
DEFAULT_SIMILAR_K = 3
DEFAULT_KNOWLEDGE_K = 3
_DECIMALS = 3


def ecg_names(count: int) -> list[str]:
    """The short names the model uses for the question's ECGs: ecg1, ecg2, ..."""
    return [f"ecg{i + 1}" for i in range(count)]


@dataclass
class ECGTools:
    """The tools of one question; ``evidence`` collects the items they showed, in call order.

    ``similar`` (a SimilarECGRetriever) and ``knowledge`` (a KnowledgeRetriever) are None when
    retrieval is off; their tools are then not offered.
    """

    contexts: dict[str, ECGContext]
    similar: Any = None
    knowledge_retriever: Any = None
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, contexts: list[ECGContext], similar=None, knowledge=None) -> ECGTools:
        return cls(dict(zip(ecg_names(len(contexts)), contexts)), similar, knowledge)

    def _prefix(self, name: str) -> str:
        return name if len(self.contexts) > 1 else ""

    def _keep(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for item in items:
            self.evidence.setdefault(item["id"], item)
        return items

    def measure(self, ecg: str) -> str:
        """Quality and measured values of one ECG."""
        self.calls.append("measure")
        ctx, prefix = self.contexts[ecg], self._prefix(ecg)
        quality = self._keep([ev.quality_item(ctx.quality.to_dict(), prefix)])[0]
        items = self._keep(ev.measurement_items(ctx.measurement_dict, prefix))
        return _json({"ecg": ecg, "quality": _without(quality, "kind"),
                      "measurements": [_compact_measurement(i) for i in items]})

    def statements(self, ecg: str) -> str:
        """The criteria statements that hold for one ECG, each with the values behind it."""
        self.calls.append("statements")
        items = self._statement_items(ecg).values()
        return _json({"ecg": ecg, "statements": [{"id": i["id"], "text": i["text"]} for i in items]})

    def _statement_items(self, ecg: str) -> dict[str, dict[str, Any]]:
        """Statement code -> its evidence item (kept), for one ECG."""
        items = [ev.statement_item(s, self._prefix(ecg)) for s in self.contexts[ecg].statements]
        return {item["code"]: item for item in self._keep(items)}

    def similar_reports(self, ecg: str, k: int = DEFAULT_SIMILAR_K) -> str:
        """Reports of the k most similar historical ECGs (never this ECG's own record or patient)."""
        self.calls.append("similar_reports")
        ctx, prefix = self.contexts[ecg], self._prefix(ecg)
        k = _clamp(k)
        documents = ctx.similar_reports[:k]
        if len(documents) < k:
            retriever = self.similar.model_copy(update={"k": k})
            documents = retriever.search_embedding(retriever.embed(ctx.record))
        items = self._keep([ev.report_item(d, prefix) for d in documents])
        return _json({"ecg": ecg, "similar_reports": [
            {"id": i["id"], "report": i["report"], "similarity": round(i["score"], _DECIMALS)} for i in items]})

    def knowledge(self, query: str, k: int = DEFAULT_KNOWLEDGE_K) -> str:
        """Knowledge snippets (criteria, thresholds and their sources) closest to the query."""
        self.calls.append("knowledge")
        retriever = self.knowledge_retriever.model_copy(update={"k": _clamp(k)})
        items = self._keep([ev.knowledge_item(d) for d in retriever.invoke(query)])
        return _json({"query": query, "snippets": [{"id": i["id"], "text": i["text"]} for i in items]})

    def compare(self, ecg_a: str, ecg_b: str) -> str:
        """Differences between two ECGs: measured values with the change, statements in one or both."""
        self.calls.append("compare")
        a, b = self.contexts[ecg_a], self.contexts[ecg_b]
        rows = []
        for name in MEASURED_FIELDS:
            item_a, item_b = (ev.measurement_item(c.measurement_dict, name, self._prefix(n))
                              for c, n in ((a, ecg_a), (b, ecg_b)))
            if item_a["value"] is None and item_b["value"] is None:
                continue
            self._keep([item_a, item_b])
            row = {"measure": name, "unit": item_a["unit"], ecg_a: _round(item_a["value"]),
                   ecg_b: _round(item_b["value"]), "change": _change(item_a["value"], item_b["value"]),
                   "ids": [item_a["id"], item_b["id"]]}
            if "normal_range" in item_a:
                row["normal_range"] = item_a["normal_range"]
            rows.append(row)
        items_a, items_b = self._statement_items(ecg_a), self._statement_items(ecg_b)
        statements = {f"only_in_{ecg_a}": _listed(items_a, items_a.keys() - items_b.keys()),
                      f"only_in_{ecg_b}": _listed(items_b, items_b.keys() - items_a.keys()),
                      "in_both": _listed(items_a, items_a.keys() & items_b.keys(), items_b)}
        return _json({"compared": [ecg_a, ecg_b], "measurements": rows, "statements": statements})

    def as_langchain_tools(self) -> list[StructuredTool]:
        """The LangChain tools the model may call: ECG arguments are an enum of the bound names."""
        names = tuple(self.contexts)
        one = create_model("OneECG", ecg=_ecg_field(names))
        tools = [_tool(self.measure, one), _tool(self.statements, one)]
        if self.similar is not None:
            tools.append(_tool(self.similar_reports, create_model(
                "SimilarReports", ecg=_ecg_field(names), k=_k_field(DEFAULT_SIMILAR_K))))
        if self.knowledge_retriever is not None:
            query = (str, Field(description="what to look up, e.g. 'first-degree AV block PR threshold'"))
            tools.append(_tool(self.knowledge, create_model("Knowledge", query=query,
                                                            k=_k_field(DEFAULT_KNOWLEDGE_K))))
        if len(names) > 1:
            tools.append(_tool(self.compare, create_model("CompareECGs", ecg_a=_ecg_field(names),
                                                          ecg_b=_ecg_field(names))))
        return tools


def _ecg_field(names: tuple[str, ...]):
    return Literal[names], Field(description="which ECG: " + ", ".join(names))


def _k_field(default: int):
    return int, Field(default=default, ge=1, le=MAX_K, description=f"how many (1-{MAX_K})")


def _tool(method, args_schema: type[BaseModel]) -> StructuredTool:
    return StructuredTool.from_function(func=method, name=method.__name__, description=method.__doc__,
                                        args_schema=args_schema)


def _compact_measurement(item: dict[str, Any]) -> dict[str, Any]:
    compact = {"id": item["id"], "value": _round(item["value"]), "unit": item["unit"]}
    compact.update({key: item[key] for key in ("normal_range", "note") if key in item})
    return compact


def _listed(items: dict[str, dict], codes, also: dict[str, dict] | None = None) -> list[dict[str, Any]]:
    """Statement codes as {"name", "ids"}: the item ids in ``items`` (and ``also``)."""
    return [{"name": items[code]["name"], "ids": [items[code]["id"]] + ([also[code]["id"]] if also else [])}
            for code in sorted(codes)]


def _change(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else _round(b - a)


def _round(value):
    return round(value, _DECIMALS) if isinstance(value, float) else value


def _clamp(k: int) -> int:
    return max(1, min(MAX_K, int(k)))


def _without(item: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in keys}


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
