// What our scripts share through `window` (each file adds its module object) and what the vendored
// libraries put there (static/vendor, not checked). Typed loosely on purpose: the checker's job here is to
// catch misspelt names and wrong DOM use inside each file, not to type the libraries.
interface Window {
  podscape: any; podscapeMatrix: any; podscapePreview: any; cy: any;
  PodscapeDiagram: (new (...args: any[]) => { [member: string]: any }) & { [member: string]: any }; PodscapeDiagramDetails: any; PodscapeDiagramModel: any; PodscapeDiagramTwin: any;
  PodscapeEditor: any; PodscapeLine: any; PodscapeSocket: any; PodscapeTerminal: any;
  CM: any; CMA: any; podscapeAuthor: any; ELK: any; FitAddon: any; Terminal: any; cytoscape: any; htmx: any;
}
