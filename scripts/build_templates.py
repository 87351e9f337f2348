"""Build the five DOCX templates in letter_templates/ with python-docx.

The committed .docx files are what a clerk edits in Word or LibreOffice;
this script is how they were first laid out, kept so a structural change
(a new field in every letter) can be made once for all five. After running
it, check the letters as images (README, "Templates").

Run: .venv/bin/python scripts/build_templates.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "letter_templates"
J, C, R, L = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT
_bookmark_id = [0]


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    normal.font.size = Pt(11.5)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    return doc


def para(container, text: str = "", *, align=None, bold=False, underline=False, size=None,
         indent=None, hanging=None, first=None, tabs=(), space_after=None, keep=False):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.underline = bold, underline
        if size:
            run.font.size = Pt(size)
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent is not None:
        fmt.left_indent = Cm(indent)
    if hanging is not None:
        fmt.first_line_indent = Cm(-hanging)
    if first is not None:
        fmt.first_line_indent = Cm(first)
    for tab in tabs:
        fmt.tab_stops.add_tab_stop(Cm(tab))
    if space_after is not None:
        fmt.space_after = Pt(space_after)
    if keep:
        fmt.keep_with_next = True
    return p


def tag(container, text: str):
    """A paragraph holding only a docxtpl {%p %} tag (removed when rendered)."""
    return container.add_paragraph(text)


def no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def bottom_rule(p, size=18):
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "thickThinSmallGap"), ("sz", str(size)), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{k}"), v)
    bdr.append(bottom)
    ppr.append(bdr)


def bookmark(p, name: str):
    """A Word bookmark; the PDF export makes it a named destination for the signer.

    Names are letters only: LibreOffice writes "_" in a destination name as "5F".
    """
    _bookmark_id[0] += 1
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(_bookmark_id[0]))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(_bookmark_id[0]))
    p._p.insert(0, start)
    p._p.append(end)


def set_widths(table, widths):
    """Fixed column widths (the grid LibreOffice reads, and each cell for Word)."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)


def kop(doc):
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, (2.6, 13.9))
    logo, text = table.rows[0].cells
    logo.paragraphs[0].add_run("{{ lambang }}")
    text.paragraphs[0].add_run("{{ wilayah.pemerintah }}").bold = True
    text.paragraphs[0].alignment = C
    text.paragraphs[0].runs[0].font.size = Pt(14)
    para(text, "{{ pengirim.nama|upper }}", align=C, bold=True, size=15)
    para(text, "{{ pengirim.alamat }}{% if pengirim.kode_pos %}, Kode Pos {{ pengirim.kode_pos }}{% endif %}"
         "{% if pengirim.telepon %}, Telepon {{ pengirim.telepon }}{% endif %}", align=C, size=9.5)
    para(text, "{% if pengirim.email %}Pos-el: {{ pengirim.email }}{% endif %}"
         "{% if pengirim.laman %}  Laman: {{ pengirim.laman }}{% endif %}", align=C, size=9.5)
    bottom_rule(para(doc, "", size=4))
    para(doc, "")


def surat_head(doc, nomor=True):
    """Nomor/Sifat/Lampiran/Hal on the left, place and date on the right."""
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, (9.8, 6.7))
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    rows = ([("Nomor", "{{ nomor }}")] if nomor else []) + [
        ("Sifat", "{{ sifat }}"), ("Lampiran", "{{ lampiran }}"), ("Hal", "{{ hal }}")]
    first = True
    for label, value in rows:
        p = left.paragraphs[0] if first else left.add_paragraph()
        first = False
        p.add_run(f"{label}\t:\t{value}")
        p.paragraph_format.left_indent = Cm(2.6)
        p.paragraph_format.first_line_indent = Cm(-2.6)
        p.paragraph_format.tab_stops.add_tab_stop(Cm(2.2))
        p.paragraph_format.tab_stops.add_tab_stop(Cm(2.6))
    right.paragraphs[0].add_run("{{ tempat }}, {{ tanggal|tanggal }}")
    para(doc, "")


def yth(doc):
    para(doc, "Yth. {{ kepada.jabatan }}", indent=1.0, hanging=1.0)
    para(doc, "di", indent=1.0)
    para(doc, "{{ kepada.tempat }}", indent=1.5, space_after=8)


def body(doc, text, **kw):
    kw.setdefault("space_after", 6)
    kw.setdefault("first", 1.25)
    return para(doc, text, align=J, **kw)


def item(doc, text, indent=1.25, hanging=0.6, **kw):
    return para(doc, text, align=J, indent=indent, hanging=hanging, tabs=(indent,), **kw)


def signature(container_cell, who="penandatangan", bookmark_name="ttd", heading=None):
    p = container_cell.paragraphs[0]
    if heading:
        p.add_run(heading)
        p = container_cell.add_paragraph()
    p.add_run(f"{{{{ {who}.jabatan }}}},")
    area = container_cell.add_paragraph()
    area.paragraph_format.space_before = Pt(0)
    area.paragraph_format.space_after = Pt(78)  # about 3.5 cm for the electronic signature stamp
    bookmark(area, bookmark_name)
    name = container_cell.add_paragraph()
    run = name.add_run(f"{{{{ {who}.nama }}}}")
    run.bold = run.underline = True
    container_cell.add_paragraph(f"{{{{ {who}.pangkat }}}} ({{{{ {who}.golongan }}}})")
    container_cell.add_paragraph(f"NIP. {{{{ {who}.nip|nip }}}}")


def ditetapkan(doc):
    """"Ditetapkan di … pada tanggal …" above the signature, on the right."""
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, (8.0, 8.5))
    cell = table.rows[0].cells[1]
    cell.paragraphs[0].add_run("Ditetapkan di {{ tempat }}")
    cell.add_paragraph("pada tanggal {{ tanggal|tanggal }}")
    inner = cell.add_table(rows=1, cols=1)
    no_borders(inner)
    signature(inner.rows[0].cells[0])


def signature_block(doc):
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, (8.0, 8.5))
    signature(table.rows[0].cells[1])
    return table


def tembusan(doc):
    para(doc, "")
    tag(doc, "{%p if tembusan %}")
    para(doc, "Tembusan:", size=10)
    tag(doc, "{%p for t in tembusan %}")
    para(doc, "{{ loop.index }}. {{ t.jabatan }}{% if t.instansi %} {{ t.instansi }}{% endif %};", size=10,
         indent=0.5, hanging=0.5)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def people_table(doc, rows_expr="p in pegawai", extra_header=None, extra_cell=None, ketua=False):
    headers = ["No", "Nama / NIP", "Pangkat/Gol.", "Jabatan", "Unit Kerja"]
    if extra_header:
        headers.append(extra_header)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers):
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0].alignment = C

    def person_row(number, who, extra=None):
        cells = table.add_row().cells
        values = [number, f"{{{{ {who}.nama }}}}", f"{{{{ {who}.pangkat }}}} ({{{{ {who}.golongan }}}})",
                  f"{{{{ {who}.jabatan }}}}", f"{{{{ {who}.unit.nama }}}}"]
        if extra is not None:
            values.append(extra)
        for cell, value in zip(cells, values):
            cell.paragraphs[0].add_run(value).font.size = Pt(10)
        cells[1].add_paragraph(f"NIP. {{{{ {who}.nip|nip }}}}").runs[0].font.size = Pt(10)

    var = rows_expr.split(" in ")[0]
    if ketua:
        person_row("1", "ketua", "Ketua")
    table.add_row().cells[0].paragraphs[0].add_run(f"{{%tr for {rows_expr} %}}")
    person_row(f"{{{{ loop.index{' + 1' if ketua else ''} }}}}", var, extra_cell)
    table.add_row().cells[0].paragraphs[0].add_run("{%tr endfor %}")
    widths = (1.0, 5.2, 3.0, 4.0, 3.3) if not extra_header else (1.0, 4.2, 2.6, 3.2, 2.9, 2.6)
    set_widths(table, widths)
    return table


def closing(doc, text="Demikian disampaikan, atas perhatian dan kerja sama Bapak/Ibu diucapkan terima kasih."):
    body(doc, text, space_after=10)


def permohonan():
    doc = new_document()
    kop(doc)
    surat_head(doc)
    yth(doc)
    body(doc, "Sehubungan dengan pelaksanaan kinerja pada {{ pengirim.nama }}, bersama ini kami mengajukan "
              "permohonan pelibatan Pejabat Fungsional dan/atau Pelaksana dari {{ unit_tujuan.nama }}"
              "{% if jalur == 'lintas_instansi' %} {{ unit_tujuan.instansi }}{% endif %} dengan keterangan "
              "sebagai berikut:")
    item(doc, "1.\tMaksud dan tujuan: {{ maksud_tujuan }}")
    item(doc, "2.\tKompetensi, keahlian dan/atau keterampilan yang dibutuhkan:")
    tag(doc, "{%p for k in kompetensi %}")
    item(doc, "{{ loop.index0|huruf }}.\t{{ k }};", indent=1.85)
    tag(doc, "{%p endfor %}")
    item(doc, "3.\tEkspektasi/target kinerja: {{ target_kinerja }}")
    item(doc, "4.\tJangka waktu pelaksanaan tugas: {{ jangka_waktu|durasi }}, terhitung "
              "{{ jangka_waktu|rentang }}.")
    tag(doc, "{%p if kebutuhan %}")
    item(doc, "5.\tKebutuhan pegawai:")
    tag(doc, "{%p for k in kebutuhan %}")
    item(doc, "{{ loop.index0|huruf }}.\t{{ k.jabatan }}: {{ k.jumlah }} ({{ k.jumlah|terbilang }}) orang;",
         indent=1.85)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    para(doc, "", space_after=4)
    closing(doc, "Demikian permohonan ini kami sampaikan. Atas perhatian dan kerja sama Bapak/Ibu, kami "
                 "ucapkan terima kasih.")
    signature_block(doc)
    tembusan(doc)
    return doc


def jawaban():
    doc = new_document()
    kop(doc)
    surat_head(doc)
    yth(doc)
    body(doc, "Menindaklanjuti surat Nomor {{ rujukan.nomor }} tanggal {{ rujukan.tanggal|tanggal }} hal "
              "{{ rujukan.hal }}, dengan ini kami sampaikan hal-hal sebagai berikut:")
    tag(doc, "{%p if keputusan == 'persetujuan' %}")
    body(doc, "Kami menyetujui permohonan tersebut{% if rekomendasi_ppk %} setelah mendapat rekomendasi "
              "{{ rekomendasi_ppk.jabatan }}{% if rekomendasi_ppk.nama %} ({{ rekomendasi_ppk.nama }}){% endif %}"
              "{% endif %} dan melepaskan Pejabat Fungsional dan/atau Pelaksana berikut untuk dilibatkan"
              "{% if jangka_waktu %} selama {{ jangka_waktu|durasi }}, terhitung {{ jangka_waktu|rentang }}"
              "{% endif %}:")
    people_table(doc)
    para(doc, "", space_after=4)
    tag(doc, "{%p else %}")
    body(doc, "Dengan memperhatikan kriteria yang Saudara sampaikan, kami belum dapat menyetujui permohonan "
              "tersebut dengan alasan sebagai berikut:")
    tag(doc, "{%p for a in alasan %}")
    item(doc, "{{ loop.index }}.\t{{ a }}")
    tag(doc, "{%p endfor %}")
    para(doc, "", space_after=4)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if catatan %}")
    body(doc, "{{ catatan }}")
    tag(doc, "{%p endif %}")
    closing(doc, "Demikian jawaban ini kami sampaikan. Atas perhatian Bapak/Ibu, kami ucapkan terima kasih.")
    signature_block(doc)
    tembusan(doc)
    return doc


def title(doc, *lines):
    for i, line in enumerate(lines):
        para(doc, line, align=C, bold=True, underline=(i == 0 and len(lines) > 1 and line.startswith("SURAT")))


def penugasan():
    doc = new_document()
    kop(doc)
    title(doc, "SURAT PENUGASAN", "NOMOR {{ nomor }}", "TENTANG", "{{ hal|upper }}")
    para(doc, "")
    para(doc, "Dasar\t:", tabs=(2.6,))
    tag(doc, "{%p for d in dasar %}")
    item(doc, "{{ loop.index0|huruf }}.\tSurat Nomor {{ d.nomor }} tanggal {{ d.tanggal|tanggal }} hal "
              "{{ d.hal }};", indent=3.2)
    tag(doc, "{%p endfor %}")
    para(doc, "")
    para(doc, "MENUGASKAN:", align=C, bold=True, space_after=6)
    para(doc, "Kepada\t:", tabs=(2.6,), space_after=4)
    people_table(doc)
    para(doc, "")
    para(doc, "Untuk\t:", tabs=(2.6,))
    item(doc, "1.\t{{ tugas }} pada {{ unit_pemilik_kinerja.nama }};", indent=3.2)
    item(doc, "2.\tmelaksanakan tugas selama {{ jangka_waktu|durasi }}, terhitung {{ jangka_waktu|rentang }};",
         indent=3.2)
    item(doc, "3.\tmelaporkan hasil pelaksanaan tugas kepada pimpinan {{ unit_pemilik_kinerja.nama }} dan "
              "pejabat penilai kinerja; dan", indent=3.2)
    item(doc, "4.\tmelaksanakan penugasan ini dengan penuh tanggung jawab.", indent=3.2)
    para(doc, "")
    ditetapkan(doc)
    tembusan(doc)
    return doc


def keputusan():
    doc = new_document()
    kop(doc)
    title(doc, "KEPUTUSAN {{ penandatangan.jabatan|upper }}", "NOMOR {{ nomor }}", "TENTANG",
          "{{ hal|upper }}")
    para(doc, "")
    para(doc, "{{ penandatangan.jabatan|upper }},", align=C, bold=True, space_after=8)
    para(doc, "Menimbang\t:", tabs=(2.6,))
    tag(doc, "{%p for m in menimbang %}")
    item(doc, "{{ loop.index0|huruf }}.\t{{ m }};", indent=3.2)
    tag(doc, "{%p else %}")
    item(doc, "a.\tbahwa dalam rangka pencapaian sasaran strategis dan target kinerja "
              "{{ unit_pemilik_kinerja.nama }} perlu dibentuk {{ nama_tim }};", indent=3.2)
    item(doc, "b.\tbahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan "
              "Keputusan {{ penandatangan.jabatan }} tentang {{ hal }};", indent=3.2)
    tag(doc, "{%p endfor %}")
    para(doc, "Mengingat\t:", tabs=(2.6,))
    tag(doc, "{%p for m in mengingat %}")
    item(doc, "{{ loop.index }}.\t{{ m }};", indent=3.2)
    tag(doc, "{%p endfor %}")
    para(doc, "")
    para(doc, "MEMUTUSKAN:", align=C, bold=True, space_after=6)
    item(doc, "Menetapkan\t:\tKEPUTUSAN {{ penandatangan.jabatan|upper }} TENTANG {{ hal|upper }}.",
         indent=3.2, hanging=3.2).paragraph_format.tab_stops.add_tab_stop(Cm(2.6))
    item(doc, "KESATU\t:\tMembentuk {{ nama_tim }} pada {{ unit_pemilik_kinerja.nama }} dengan susunan "
              "keanggotaan sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan dari "
              "Keputusan ini{% if pertimbangan_ketua %}; ketua tim ditunjuk berdasarkan {{ pertimbangan_ketua }}"
              "{% endif %}.", indent=3.2, hanging=3.2).paragraph_format.tab_stops.add_tab_stop(Cm(2.6))
    item(doc, "KEDUA\t:\tTim Kerja sebagaimana dimaksud dalam Diktum KESATU mempunyai tugas:",
         indent=3.2, hanging=3.2).paragraph_format.tab_stops.add_tab_stop(Cm(2.6))
    tag(doc, "{%p for t in tugas_tim %}")
    item(doc, "{{ loop.index0|huruf }}.\t{{ t }};", indent=3.8)
    tag(doc, "{%p endfor %}")
    item(doc, "KETIGA\t:\tKetua Tim Kerja mengoordinasikan pelaksanaan tugas anggota dan melaporkan hasilnya "
              "kepada {{ penandatangan.jabatan }}{% if jangka_waktu %}; Tim Kerja bekerja selama "
              "{{ jangka_waktu|durasi }}, terhitung {{ jangka_waktu|rentang }}{% endif %}.",
         indent=3.2, hanging=3.2).paragraph_format.tab_stops.add_tab_stop(Cm(2.6))
    tag(doc, "{%p if sumber_biaya %}")
    item(doc, "KEEMPAT\t:\tSegala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada "
              "{{ sumber_biaya }}.", indent=3.2, hanging=3.2).paragraph_format.tab_stops.add_tab_stop(Cm(2.6))
    tag(doc, "{%p endif %}")
    item(doc, "{% if sumber_biaya %}KELIMA{% else %}KEEMPAT{% endif %}\t:\tKeputusan ini mulai berlaku pada "
              "tanggal ditetapkan.", indent=3.2, hanging=3.2).paragraph_format.tab_stops.add_tab_stop(Cm(2.6))
    para(doc, "")
    ditetapkan(doc)
    tembusan(doc)
    # The lampiran: the team, ketua first.
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for line in ("LAMPIRAN KEPUTUSAN {{ penandatangan.jabatan|upper }}", "NOMOR {{ nomor }}",
                 "TANGGAL {{ tanggal|tanggal|upper }}", "TENTANG {{ hal|upper }}"):
        para(doc, line, indent=8.5, size=10)
    para(doc, "")
    para(doc, "SUSUNAN KEANGGOTAAN {{ nama_tim|upper }}", align=C, bold=True, space_after=6)
    people_table(doc, "a in anggota", extra_header="Kedudukan dalam Tim", extra_cell="Anggota", ketua=True)
    para(doc, "")
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, (8.0, 8.5))
    cell = table.rows[0].cells[1]
    cell.paragraphs[0].add_run("{{ penandatangan.jabatan }},")
    cell.add_paragraph("")
    cell.add_paragraph("")
    cell.add_paragraph("{{ penandatangan.nama }}").runs[0].bold = True
    return doc


def sukarela():
    """A personal letter of the applicant: no kop, countersigned "Mengetahui"."""
    doc = new_document()
    surat_head(doc)
    yth(doc)
    body(doc, "Yang bertanda tangan di bawah ini:", first=0)
    for label, value in (("Nama", "{{ penandatangan.nama }}"), ("NIP", "{{ penandatangan.nip|nip }}"),
                         ("Pangkat/Gol.", "{{ penandatangan.pangkat }} ({{ penandatangan.golongan }})"),
                         ("Jabatan", "{{ penandatangan.jabatan }}"), ("Unit Kerja", "{{ penandatangan.unit.nama }}")):
        para(doc, f"{label}\t:\t{value}", indent=4.5, hanging=3.5, tabs=(4.2, 4.5))
    para(doc, "", space_after=4)
    body(doc, "dengan ini mengajukan diri secara sukarela untuk dilibatkan dalam pelaksanaan kinerja "
              "{{ kinerja }} pada {{ unit_tujuan.nama }}, selama {{ jangka_waktu|durasi }} terhitung "
              "{{ jangka_waktu|rentang }}.")
    body(doc, "Kompetensi, keahlian dan/atau keterampilan yang saya miliki:", space_after=0)
    tag(doc, "{%p for k in kompetensi %}")
    item(doc, "{{ loop.index0|huruf }}.\t{{ k }};")
    tag(doc, "{%p endfor %}")
    para(doc, "", space_after=4)
    body(doc, "Adapun alasan pengajuan ini: {{ alasan }}")
    body(doc, "Pengajuan ini telah mendapat persetujuan atasan saya sebagaimana tercantum di bawah. Demikian "
              "surat pengajuan ini saya sampaikan. Atas perhatian Bapak/Ibu, saya ucapkan terima kasih.",
         space_after=10)
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, (8.3, 8.2))
    left, right = table.rows[0].cells
    signature(left, who="mengetahui[0]", bookmark_name="ttdmengetahui", heading="Mengetahui,")
    tag(left, "{%p for m in mengetahui[1:] %}")
    left.add_paragraph("{{ m.jabatan }},").paragraph_format.space_before = Pt(10)
    left.add_paragraph("").paragraph_format.space_after = Pt(66)
    name = left.add_paragraph()
    run = name.add_run("{{ m.nama }}")
    run.bold = run.underline = True
    left.add_paragraph("NIP. {{ m.nip|nip }}")
    tag(left, "{%p endfor %}")
    signature(right, heading="Pemohon,")
    tembusan(doc)
    return doc


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, build in (("permohonan_pelibatan", permohonan), ("jawaban", jawaban), ("penugasan", penugasan),
                        ("keputusan_tim_kerja", keputusan), ("pengajuan_sukarela", sukarela)):
        build().save(OUT / f"{name}.docx")


if __name__ == "__main__":
    main()
