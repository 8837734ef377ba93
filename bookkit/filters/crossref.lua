-- Cross-references before citeproc: a citation whose every key is a cross-reference
-- label (fig:, tbl:, sec:, eq:, lst: in pandoc-crossref's syntax; fig-, tbl-, … in
-- Quarto's) becomes a Span of class "xref", so citeproc never sees it as a citation.
-- bookkit/crossref.py later gives it its number and link; check's X rules report
-- labels that do not exist. The Span keeps what the author wrote as its content.
local PREFIXES = { fig = true, tbl = true, sec = true, eq = true, lst = true }

local function is_label(id)
  local prefix = id:match("^(%a+)[:%-].")
  return prefix ~= nil and PREFIXES[prefix:lower()] == true
end

function Cite(cite)
  local labels = {}
  for _, citation in ipairs(cite.citations) do
    if not is_label(citation.id) then
      return nil
    end
    labels[#labels + 1] = citation.id
  end
  local mode = cite.citations[1].mode
  local attributes = { labels = table.concat(labels, " ") }
  if mode == "SuppressAuthor" then
    attributes["suppress"] = "1"
  end
  return pandoc.Span(cite.content, pandoc.Attr("", { "xref" }, attributes))
end
