-- Wrap runs of Chinese characters in a Span with lang="zh-Hans" so the PDF picks
-- the CJK face and e-readers and screen readers pick a Chinese font and voice.
local function is_cjk(cp)
  return (cp >= 0x3400 and cp <= 0x4DBF) or (cp >= 0x4E00 and cp <= 0x9FFF)
      or (cp >= 0xF900 and cp <= 0xFAFF) or (cp >= 0x3000 and cp <= 0x303F)
      or (cp >= 0xFF00 and cp <= 0xFFEF) or (cp >= 0x20000 and cp <= 0x2FA1F)
end

local function split(text)
  local pieces, buf, buf_cjk = {}, {}, nil
  for _, cp in utf8.codes(text) do
    local c = is_cjk(cp)
    if buf_cjk ~= nil and c ~= buf_cjk then
      table.insert(pieces, {table.concat(buf), buf_cjk})
      buf = {}
    end
    buf_cjk = c
    table.insert(buf, utf8.char(cp))
  end
  if #buf > 0 then table.insert(pieces, {table.concat(buf), buf_cjk}) end
  return pieces
end

function Str(el)
  if not el.text:find("[\227-\233\239\240]") then return nil end
  local pieces = split(el.text)
  if #pieces == 1 and not pieces[1][2] then return nil end
  local out = {}
  for _, p in ipairs(pieces) do
    if p[2] then
      table.insert(out, pandoc.Span({pandoc.Str(p[1])}, {lang = "zh-Hans"}))
    else
      table.insert(out, pandoc.Str(p[1]))
    end
  end
  return out
end

-- Merge neighbouring zh-Hans spans separated by nothing (pandoc splits on spaces).
function Inlines(inlines)
  local out = pandoc.List()
  for _, el in ipairs(inlines) do
    local prev = out[#out]
    if el.t == "Span" and el.attributes.lang == "zh-Hans" and prev and prev.t == "Span"
       and prev.attributes.lang == "zh-Hans" then
      prev.content:extend(el.content)
    else
      out:insert(el)
    end
  end
  return out
end
