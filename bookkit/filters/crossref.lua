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

local function xref(labels, content, suppress)
  local attributes = { labels = table.concat(labels, " ") }
  if suppress then
    attributes["suppress"] = "1"
  end
  return pandoc.Span(content, pandoc.Attr("", { "xref" }, attributes))
end

function Cite(cite)
  local labels, others = {}, {}
  for _, citation in ipairs(cite.citations) do
    if is_label(citation.id) then
      labels[#labels + 1] = citation.id
    else
      others[#others + 1] = citation
    end
  end
  if #labels == 0 then
    return nil
  end
  local suppress = cite.citations[1].mode == "SuppressAuthor"
  if #others == 0 then
    return xref(labels, cite.content, suppress)
  end
  -- `[@fig:x; @smith2020]`: the reference, then the citation of the rest for citeproc
  return { xref(labels, {}, suppress), pandoc.Space(), pandoc.Cite(cite.content, others) }
end
