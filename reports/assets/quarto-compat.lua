--[[
quarto-compat.lua: the Quarto features the report uses, for the fallback renderer.

models/render.py executes the .qmd with papermill and hands the executed notebook to
pandoc's ipynb reader, which wraps every cell in a Div of class "cell" (plus "code",
"markdown" or "raw") and every output in a Div of class "output". render.py has already
parsed each code cell's `#|` options (and removed them from the code); they arrive as the
JSON attribute "quarto-options" of the cell Div. Document-wide defaults arrive in the
metadata field "quarto-compat" (echo, warning, code-fold).

This filter gives the fallback what Quarto would show:
  * code hidden unless the cell (or the document) says echo: true; shown code is folded
    under "Code" when code-fold is on; include: false hides the whole cell;
    output: false hides its outputs; warning: false hides stderr;
  * markdown outputs (IPython.display.Markdown, or print with output: asis) are parsed;
  * cells labelled fig-xxx become numbered figures ("Figure N: caption", fig-alt as alt);
  * cells labelled tbl-xxx become numbered tables ("Table N: caption" above the table);
  * @fig-xxx / @tbl-xxx / @sec-xxx become links "Figure N" / "Table N" / "Section Title";
  * ::: {.callout-note|warning|important|tip|caution} divs become titled boxes;
  * the body is wrapped in div#qc-document, which report.css styles (Quarto never has it).
Only the constructs listed in models.render.ALLOWED_CONSTRUCTS are supported.
]]

local CALLOUT_TITLES = {
  note = "Note",
  warning = "Warning",
  important = "Important",
  tip = "Tip",
  caution = "Caution",
}

local config = { echo = true, warning = true, code_fold = false }
local figures = { count = 0, numbers = {} } -- label -> number, in document order
local tables = { count = 0, numbers = {} }
local sections = {} -- header id -> title inlines

local function warn(message)
  io.stderr:write("[quarto-compat] " .. message .. "\n")
end

local function meta_bool(value, default)
  if value == nil then
    return default
  end
  if type(value) == "boolean" then
    return value
  end
  return pandoc.utils.stringify(value) == "true"
end

local function read_config(meta)
  local compat = meta["quarto-compat"] or {}
  config.echo = meta_bool(compat.echo, true)
  config.warning = meta_bool(compat.warning, true)
  config.code_fold = meta_bool(compat["code-fold"], false)
end

local function cell_options(div)
  local raw = div.attributes["quarto-options"]
  if not raw or raw == "" then
    return {}
  end
  local ok, options = pcall(pandoc.json.decode, raw, false)
  if ok and type(options) == "table" then
    return options
  end
  warn("could not read cell options " .. raw)
  return {}
end

local function option(options, key, default)
  local value = options[key]
  if value == nil or value == pandoc.json.null then
    return default
  end
  return value
end

-- Markdown text (a caption, a Markdown output) as blocks / inlines.
local function markdown_blocks(text)
  return pandoc.read(text, "markdown").blocks
end

local function markdown_inlines(text)
  return pandoc.utils.blocks_to_inlines(markdown_blocks(text))
end

local function label_inlines(kind, number, text)
  local inlines = pandoc.Inlines({ pandoc.Str(kind), pandoc.Space(), pandoc.Str(number .. ":") })
  if text and text ~= "" then
    inlines:insert(pandoc.Space())
    inlines:extend(markdown_inlines(text))
  end
  return inlines
end

-- Code of a cell: dropped unless echoed; folded under "Code" when code-fold is on.
local function code_blocks(code, echo)
  if not echo then
    return {}
  end
  if not config.code_fold then
    return { code }
  end
  return {
    pandoc.RawBlock("html", '<details class="code-fold"><summary>Code</summary>'),
    code,
    pandoc.RawBlock("html", "</details>"),
  }
end

local function has_class(div, class)
  return div.classes:includes(class)
end

-- One output Div -> blocks, or nil to drop it.
local function output_blocks(div, options)
  if has_class(div, "stderr") and not option(options, "warning", config.warning) then
    return nil
  end
  local markdown = {}
  for _, block in ipairs(div.content) do
    if block.t == "RawBlock" and block.format == "markdown" then
      table.insert(markdown, block.text)
    end
  end
  if #markdown > 0 then
    return markdown_blocks(table.concat(markdown, "\n\n"))
  end
  if option(options, "output", true) == "asis" then
    local text = {}
    for _, block in ipairs(div.content) do
      if block.t == "CodeBlock" then
        table.insert(text, block.text)
      end
    end
    return markdown_blocks(table.concat(text, "\n"))
  end
  -- A rich output (HTML) comes with its text/plain stand-in; show only the rich one.
  local content = div.content
  local has_raw = false
  for _, block in ipairs(content) do
    has_raw = has_raw or block.t == "RawBlock"
  end
  if has_raw then
    content = content:filter(function(block)
      return block.t ~= "CodeBlock"
    end)
  end
  local kind = "cell-output-display"
  if has_class(div, "stream") then
    kind = has_class(div, "stderr") and "cell-output-stderr" or "cell-output-stdout"
  elseif has_class(div, "error") then
    kind = "cell-output-error"
  end
  return { pandoc.Div(content, pandoc.Attr("", { "cell-output", kind })) }
end

-- All images in the blocks, in order.
local function find_images(blocks)
  local images = {}
  pandoc.Blocks(blocks):walk({
    Image = function(image)
      table.insert(images, image)
    end,
  })
  return images
end

local function make_figure(label, options, blocks)
  local images = find_images(blocks)
  if #images == 0 then
    warn("cell " .. label .. " produced no figure")
    return blocks
  end
  figures.count = figures.count + 1
  local number = figures.count
  figures.numbers[label] = number
  local alt = option(options, "fig-alt", nil)
  local content = {}
  for _, image in ipairs(images) do
    if alt then
      image.caption = pandoc.Inlines(alt)
    end
    table.insert(content, pandoc.Plain({ image }))
  end
  local caption = label_inlines("Figure", number, option(options, "fig-cap", ""))
  return {
    pandoc.Figure(content, { long = { pandoc.Plain(caption) } }, pandoc.Attr(label, { "quarto-figure" })),
  }
end

-- Raw HTML tables (e.g. DataFrame.to_html) are parsed so they can be captioned too.
local function parse_html_tables(blocks)
  return pandoc.Blocks(blocks):walk({
    RawBlock = function(raw)
      if raw.format == "html" and raw.text:find("<table") then
        return pandoc.read(raw.text, "html").blocks
      end
    end,
  })
end

local function make_table(label, options, blocks)
  blocks = parse_html_tables(blocks)
  local found = false
  blocks = blocks:walk({
    Table = function(tbl)
      if found then
        return nil
      end
      found = true
      tables.count = tables.count + 1
      local number = tables.count
      tables.numbers[label] = number
      tbl.identifier = label
      tbl.caption = { long = { pandoc.Plain(label_inlines("Table", number, option(options, "tbl-cap", ""))) } }
      return tbl
    end,
  })
  if not found then
    warn("cell " .. label .. " produced no table")
  end
  return blocks
end

-- A code cell Div -> the blocks Quarto would show for it.
local function code_cell(div)
  local options = cell_options(div)
  if option(options, "include", true) == false then
    return {}
  end
  local echo = option(options, "echo", config.echo)
  local blocks = pandoc.Blocks({})
  local outputs = pandoc.Blocks({})
  for _, block in ipairs(div.content) do
    if block.t == "CodeBlock" then
      blocks:extend(code_blocks(block, echo))
    elseif block.t == "Div" and has_class(block, "output") then
      if option(options, "output", true) ~= false then
        outputs:extend(output_blocks(block, options) or {})
      end
    end
  end
  local label = option(options, "label", "")
  if label:match("^fig%-") then
    outputs = make_figure(label, options, outputs)
  elseif label:match("^tbl%-") then
    outputs = make_table(label, options, outputs)
  end
  blocks:extend(outputs)
  return blocks
end

-- Unwrap the notebook's cell Divs in document order, numbering figures and tables.
local function unwrap_cells(blocks)
  local result = pandoc.Blocks({})
  for _, block in ipairs(blocks) do
    if block.t == "Div" and has_class(block, "cell") then
      if has_class(block, "code") then
        result:extend(code_cell(block))
      else
        result:extend(block.content)
      end
    else
      result:insert(block)
    end
  end
  return result
end

local function escape_attribute(text)
  return (text:gsub("&", "&amp;"):gsub('"', "&quot;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

-- A callout with collapse="true" folds as Quarto folds it: a <details> (open when
-- collapse="false") whose <summary> is the title, with the callout's classes, so it keeps
-- the callout's look (report.css styles .qc-callout > .callout-title and .callout-body).
local function collapsible_callout(identifier, classes, title, body, open)
  local id = identifier ~= "" and (' id="' .. escape_attribute(identifier) .. '"') or ""
  local summary = pandoc.Inlines({ pandoc.RawInline("html", '<summary class="callout-title">') })
  summary:extend(title)
  summary:insert(pandoc.RawInline("html", "</summary>"))
  local start = "<details" .. id .. ' class="' .. table.concat(classes, " ") .. '"'
    .. (open and " open" or "") .. ">"
  return {
    pandoc.RawBlock("html", start),
    pandoc.Plain(summary),
    body,
    pandoc.RawBlock("html", "</details>"),
  }
end

local function callout(div)
  local kind
  for _, class in ipairs(div.classes) do
    local match = class:match("^callout%-(%a+)$")
    if match and CALLOUT_TITLES[match] then
      kind = match
    end
  end
  if not kind then
    return nil
  end
  local content = pandoc.Blocks(div.content)
  local title
  if div.attributes.title then
    title = markdown_inlines(div.attributes.title)
  elseif content[1] and content[1].t == "Header" then
    title = content[1].content
    content:remove(1)
  else
    title = pandoc.Inlines(CALLOUT_TITLES[kind])
  end
  local classes = { "callout", "callout-" .. kind, "qc-callout" }
  local body = pandoc.Div(content, pandoc.Attr("", { "callout-body" }))
  local collapse = div.attributes.collapse
  if collapse == "true" or collapse == "false" then
    return collapsible_callout(div.identifier, classes, title, body, collapse == "false")
  end
  return pandoc.Div({
    pandoc.Div({ pandoc.Plain(title) }, pandoc.Attr("", { "callout-title" })),
    body,
  }, pandoc.Attr(div.identifier, classes, { role = "note" }))
end

-- Columns whose body cells are all numbers (digits and punctuation, no letters) are
-- right-aligned, unless the table already says how to align them.
local function is_numeric(text)
  return text == "" or (text:find("%d") ~= nil and text:find("%a") == nil)
end

-- A body cell holding a number, or numbers joined by short words and units ("0.872 ± 0.005",
-- "2.57 (0.56 to 11.72)", "N(0.00, 2.50)", "0.909 at 7.5 mg/L"): a digit, and no word of
-- more than three letters. Outside right-aligned columns (which report.css already keeps on
-- one line) it gets the class "qc-number", which report.css keeps on one line too.
local function is_number_cell(text)
  if not text:find("%d") then
    return false
  end
  for word in text:gmatch("%a+") do
    if #word > 3 then
      return false
    end
  end
  return true
end

local function mark_number_cells(tbl)
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      local column = 1
      for _, cell in ipairs(row.cells) do
        local colspec = tbl.colspecs[column]
        local right = cell.alignment == "AlignRight"
          or (cell.alignment == "AlignDefault" and colspec and colspec[1] == "AlignRight")
        if not right and is_number_cell(pandoc.utils.stringify(cell.contents)) then
          cell.classes:insert("qc-number")
        end
        column = column + cell.col_span
      end
    end
  end
  return tbl
end

local function align_numbers(tbl)
  for column, colspec in ipairs(tbl.colspecs) do
    if colspec[1] == "AlignDefault" then
      local numeric, seen = true, false
      for _, body in ipairs(tbl.bodies) do
        for _, row in ipairs(body.body) do
          local cell = row.cells[column]
          if cell then
            local text = pandoc.utils.stringify(cell.contents)
            seen = seen or text ~= ""
            numeric = numeric and is_numeric(text)
          end
        end
      end
      if numeric and seen then
        tbl.colspecs[column] = { "AlignRight", colspec[2] }
      end
    end
  end
  return mark_number_cells(tbl)
end

local function collect_sections(doc)
  doc:walk({
    Header = function(header)
      if header.identifier ~= "" then
        sections[header.identifier] = header.content
      end
    end,
  })
end

local function reference_inlines(id, mode)
  local kind, number
  if figures.numbers[id] then
    kind, number = "Figure", figures.numbers[id]
  elseif tables.numbers[id] then
    kind, number = "Table", tables.numbers[id]
  elseif id:match("^sec%-") and sections[id] then
    local text = pandoc.Inlines({ pandoc.Str("Section"), pandoc.Space() })
    text:extend(sections[id])
    return { pandoc.Link(text, "#" .. id, "", pandoc.Attr("", { "quarto-xref" })) }
  else
    return nil
  end
  local text = mode == "SuppressAuthor" and tostring(number) or (kind .. " " .. number)
  return { pandoc.Link(pandoc.Inlines(text), "#" .. id, "", pandoc.Attr("", { "quarto-xref" })) }
end

local function cross_reference(cite)
  local result = pandoc.Inlines({})
  for index, citation in ipairs(cite.citations) do
    local id = citation.id
    if not (id:match("^fig%-") or id:match("^tbl%-") or id:match("^sec%-")) then
      return nil -- a bibliographic citation: not handled here
    end
    if index > 1 then
      result:extend({ pandoc.Str(","), pandoc.Space() })
    end
    if #citation.prefix > 0 then
      result:extend(citation.prefix)
      result:insert(pandoc.Space())
    end
    local link = reference_inlines(id, citation.mode)
    if link then
      result:extend(link)
    else
      warn("unresolved cross-reference @" .. id)
      result:insert(pandoc.Strong({ pandoc.Str("?@" .. id) }))
    end
    result:extend(citation.suffix)
  end
  return result
end

function Pandoc(doc)
  read_config(doc.meta)
  doc.blocks = unwrap_cells(doc.blocks)
  doc = doc:walk({ Div = callout, Table = align_numbers })
  collect_sections(doc)
  doc = doc:walk({ Cite = cross_reference })
  -- A wrapper lets report.css style the fallback's page without touching Quarto's layout.
  -- It is raw HTML, not a Div: pandoc's TOC skips headers inside a Div that does not start
  -- with one.
  doc.blocks:insert(1, pandoc.RawBlock("html", '<div id="qc-document" class="qc-document">'))
  doc.blocks:insert(pandoc.RawBlock("html", "</div>"))
  return doc
end
