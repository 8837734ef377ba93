-- For paged output: put each note's text where it is called, as a span that the
-- print stylesheet floats to the foot of the page (CSS `float: footnote`).
function Note(el)
  local inlines = pandoc.List()
  for i, block in ipairs(el.content) do
    if i > 1 then
      inlines:insert(pandoc.RawInline("html", '<span class="note-break"></span>'))
    end
    inlines:extend(pandoc.utils.blocks_to_inlines({block}))
  end
  -- a word joiner keeps the call on the line of the word or punctuation before it
  return {pandoc.Str("\u{2060}"), pandoc.Span(inlines, {class = "footnote"})}
end
