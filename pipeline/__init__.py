"""evalgraph pipeline: PDF -> pages -> blocks/tables -> records -> graph.

Each stage is a plain function, testable without Prefect or Neo4j.
"""

# Bump when extraction or loading changes what ends up in the graph: a document
# ingested by an older pipeline version is re-ingested even if its bytes are unchanged.
PIPELINE_VERSION = "0.8.5"
